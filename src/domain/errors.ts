import type { UpstreamFault } from '../contract';

/** Base of every error the use cases throw. `code` is stable; the HTTP edge maps it to a status. */
export abstract class AppError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An answer or failure of the Redshift API; `upstream` is what AWS said, when it said anything. */
export abstract class UpstreamError extends AppError {
  constructor(
    message: string,
    readonly upstream: UpstreamFault | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Redshift knows no cluster (or serverless namespace) with the identifier given. */
export class ClusterNotFoundError extends UpstreamError {
  readonly code = 'cluster-not-found';
}

/** Redshift refused the namespace for this operation. */
export class InvalidNamespaceError extends UpstreamError {
  readonly code = 'invalid-namespace';
}

/** The cluster exists but is not in a state that allows the operation. */
export class InvalidClusterStateError extends UpstreamError {
  readonly code = 'invalid-cluster-state';
}

/** Redshift throttled or failed on every attempt; a later retry may succeed. */
export class UpstreamUnavailableError extends UpstreamError {
  readonly code = 'upstream-unavailable';
}

/** Redshift did not answer within the gateway's deadline. */
export class UpstreamTimeoutError extends UpstreamError {
  readonly code = 'upstream-timeout';
}

/**
 * AWS refused the gateway's own credentials, the role could not be assumed, or Redshift answered
 * with a fault the gateway does not know: the gateway's operators must act, not the caller.
 */
export class UpstreamRejectedError extends UpstreamError {
  readonly code = 'upstream-error';
}

/** The access policy does not allow this caller this action on this target for this consumer. */
export class ForbiddenError extends AppError {
  readonly code = 'forbidden';
}
