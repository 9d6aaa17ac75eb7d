/** What AWS said when it caused a failure: its error code, request id and message. */
export interface UpstreamFault {
  readonly code: string;
  readonly requestId?: string;
  readonly message?: string;
}

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

/** The cluster exists but is not in a state that allows the operation now; usually transient. */
export class InvalidClusterStateError extends UpstreamError {
  readonly code = 'invalid-cluster-state';
}

/**
 * Redshift refused the request for a reason of the caller's making that the gateway does not model
 * on its own (a parameter, validation or unsupported-operation fault); AWS's message says what.
 */
export class RejectedByRedshiftError extends UpstreamError {
  readonly code = 'rejected-by-redshift';
}

/** AWS throttled or failed on every attempt, or is unreachable; a later retry may succeed. */
export class UpstreamUnavailableError extends UpstreamError {
  readonly code = 'upstream-unavailable';

  constructor(
    message: string,
    upstream: UpstreamFault | undefined,
    options?: ErrorOptions & {
      /** When the gateway knows when a retry can succeed (its own back-off); else the problem table's default. */
      retryAfterSeconds?: number;
    },
  ) {
    super(message, upstream, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  readonly retryAfterSeconds: number | undefined;
}

/** Redshift did not answer within the gateway's deadline. */
export class UpstreamTimeoutError extends UpstreamError {
  readonly code = 'upstream-timeout';
}

/**
 * AWS refused the gateway's own credentials or permissions, or the role could not be assumed: the
 * gateway's operators must act, not the caller.
 */
export class UpstreamRejectedError extends UpstreamError {
  readonly code = 'upstream-error';
}

/** The access policy does not allow this caller this action on this target for this consumer. */
export class ForbiddenError extends AppError {
  readonly code = 'forbidden';
}
