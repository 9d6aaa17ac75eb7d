import type { NamespaceTarget } from './namespace-target';

/** What Redshift answered a change with (`Registering`, `Deregistering`, or a value AWS adds later). */
export type RegistrationStatus = string;

/** Whether the producer namespace is registered to the consumer's Data Catalog (the status resource). */
export interface RegistrationStatusDocument {
  readonly Status: 'Registered' | 'NotRegistered';
  /** The ARN of the cluster's or serverless namespace's namespace. */
  readonly ProducerNamespaceArn: string;
  /** The producer's `INTERNAL` datashare, or null when there is none. */
  readonly DataShareArn: string | null;
  /** That datashare's associations, as Redshift lists them. */
  readonly Associations: readonly { readonly ConsumerIdentifier: string; readonly Status: string }[];
}

export interface NamespaceRegistrationCommand {
  /** The configured AWS target (an account and region, by its name) that holds the namespace. */
  readonly awsTarget: string;
  readonly target: NamespaceTarget;
  /** `DataCatalog/<account id>`; the AWS API takes exactly one. */
  readonly consumerIdentifier: string;
}

/** Who a call to AWS is for, and how long it may wait for the AWS API budget. */
export interface CallOptions {
  /** The caller's principal: calls waiting for the budget are served caller by caller, in turn. */
  readonly requestedBy: string;
  /** Until when (epoch ms) the request may wait for the budget (`Prefer: wait`); else the upstream deadline. */
  readonly waitUntil?: number;
}

/**
 * Where registrations are carried out: Redshift, in production. Both methods throw UpstreamError
 * subclasses (ClusterNotFoundError, InvalidNamespaceError, ...) for every way the upstream call can fail.
 */
export interface NamespaceRegistry {
  register(command: NamespaceRegistrationCommand, options?: CallOptions): Promise<RegistrationStatus>;
  deregister(command: NamespaceRegistrationCommand, options?: CallOptions): Promise<RegistrationStatus>;
}

/**
 * Where the registration status is read: Redshift's producer datashares, in production. Throws
 * UpstreamError subclasses as NamespaceRegistry does (ClusterNotFoundError, InvalidNamespaceError, ...).
 */
export interface RegistrationStatusReader {
  read(command: NamespaceRegistrationCommand, options?: CallOptions): Promise<RegistrationStatusDocument>;
}
