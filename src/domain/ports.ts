import type { RegistrationStatus, RegistrationStatusDocument } from '../contract';
import type { NamespaceTarget } from './namespace-target';

export interface NamespaceRegistrationCommand {
  readonly target: NamespaceTarget;
  /** `DataCatalog/<account id>`; the AWS API takes exactly one. */
  readonly consumerIdentifier: string;
}

/**
 * Where registrations are carried out: Redshift, in production. Both methods throw UpstreamError
 * subclasses (ClusterNotFoundError, InvalidNamespaceError, ...) for every way the upstream call can fail.
 */
export interface NamespaceRegistry {
  register(command: NamespaceRegistrationCommand): Promise<RegistrationStatus>;
  deregister(command: NamespaceRegistrationCommand): Promise<RegistrationStatus>;
}

/**
 * Where the registration status is read: Redshift's producer datashares, in production. Throws
 * UpstreamError subclasses as NamespaceRegistry does (ClusterNotFoundError, InvalidNamespaceError, ...).
 */
export interface RegistrationStatusReader {
  read(command: NamespaceRegistrationCommand): Promise<RegistrationStatusDocument>;
}
