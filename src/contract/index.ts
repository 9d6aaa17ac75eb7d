// The request and response types of the contract, generated from openapi/gateway.yaml by
// `npm run generate:types`. Type-only: nothing here exists at run time.
import type { components } from './openapi.generated';

type Schemas = components['schemas'];

export type NamespaceRegistrationRequest = Schemas['NamespaceRegistrationRequest'];
export type RegistrationStatusResponse = Schemas['RegistrationStatusResponse'];
export type RegistrationStatus = RegistrationStatusResponse['Status'];
export type RegistrationStatusDocument = Schemas['RegistrationStatusDocument'];
export type Problem = Schemas['Problem'];
export type FieldError = NonNullable<Problem['errors']>[number];
export type UpstreamFault = NonNullable<Problem['upstream']>;
export type DesiredConsumers = Schemas['DesiredConsumers'];
export type ConsumersPlan = Schemas['ConsumersPlan'];
export type ConsumerPlanItem = Schemas['ConsumerPlanItem'];
export type NamespaceConsumers = Schemas['NamespaceConsumers'];
