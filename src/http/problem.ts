import type { Problem } from '../contract';
import {
  ClusterNotFoundError,
  ForbiddenError,
  InvalidClusterStateError,
  InvalidNamespaceError,
  RejectedByRedshiftError,
  UpstreamError,
  UpstreamRejectedError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../domain/errors';
import { IdempotencyStoreUnavailableError } from './idempotency/store';
import {
  AuthUnavailableError,
  IdempotencyKeyInUseError,
  IdempotencyKeyReuseError,
  MethodNotAllowedError,
  PayloadTooLargeError,
  RateLimitedError,
  RequestValidationError,
  RouteNotFoundError,
  ShuttingDownError,
  TargetNotFoundError,
  TooManyWaitingError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from './errors';

export interface ProblemSpec {
  readonly status: number;
  readonly slug: string;
  readonly title: string;
  /** Sent as Retry-After, unless the error knows better. */
  readonly retryAfterSeconds?: number;
}

/** A problem ready to send: status, extra headers and the RFC 9457 body. */
export interface ProblemAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Problem;
}

// Seconds a caller should wait after a 503: long enough for throttling to ease, short enough for CI jobs.
const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;
// After InvalidClusterState: cluster operations (resize, reboot, maintenance) take minutes.
const CLUSTER_STATE_RETRY_AFTER_SECONDS = 30;
const UNAVAILABLE = {
  status: 503,
  slug: 'upstream-unavailable',
  title: 'Upstream unavailable',
  retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS,
};

// The one table from error to problem (DESIGN.md, "Errors"). Adding a case: one row here, one test.
const table = new Map<abstract new (...args: never[]) => Error, ProblemSpec>([
  [RequestValidationError, { status: 400, slug: 'validation-failed', title: 'Request validation failed' }],
  [InvalidNamespaceError, { status: 400, slug: 'invalid-namespace', title: 'Invalid namespace' }],
  [RejectedByRedshiftError, { status: 400, slug: 'rejected-by-redshift', title: 'Rejected by Redshift' }],
  [UnauthorizedError, { status: 401, slug: 'unauthorized', title: 'Unauthorized' }],
  [ForbiddenError, { status: 403, slug: 'forbidden', title: 'Forbidden' }],
  [ClusterNotFoundError, { status: 404, slug: 'cluster-not-found', title: 'Cluster not found' }],
  [RouteNotFoundError, { status: 404, slug: 'not-found', title: 'Not found' }],
  [TargetNotFoundError, { status: 404, slug: 'target-not-found', title: 'Target not found' }],
  [MethodNotAllowedError, { status: 405, slug: 'method-not-allowed', title: 'Method not allowed' }],
  [
    InvalidClusterStateError,
    {
      status: 409,
      slug: 'invalid-cluster-state',
      title: 'Invalid cluster state',
      retryAfterSeconds: CLUSTER_STATE_RETRY_AFTER_SECONDS,
    },
  ],
  [IdempotencyKeyInUseError, { status: 409, slug: 'idempotency-key-in-use', title: 'Idempotency key in use' }],
  [PayloadTooLargeError, { status: 413, slug: 'payload-too-large', title: 'Payload too large' }],
  [UnsupportedMediaTypeError, { status: 415, slug: 'unsupported-media-type', title: 'Unsupported media type' }],
  [IdempotencyKeyReuseError, { status: 422, slug: 'idempotency-key-reuse', title: 'Idempotency key reused' }],
  [RateLimitedError, { status: 429, slug: 'rate-limited', title: 'Too many requests' }],
  [UpstreamRejectedError, { status: 502, slug: 'upstream-error', title: 'Upstream error' }],
  // 503, not 502: AWS is reachable but busy or failing for now, and a retry later is likely to work.
  [UpstreamUnavailableError, UNAVAILABLE],
  [IdempotencyStoreUnavailableError, UNAVAILABLE],
  [ShuttingDownError, UNAVAILABLE],
  [TooManyWaitingError, UNAVAILABLE],
  [AuthUnavailableError, UNAVAILABLE],
  [UpstreamTimeoutError, { status: 504, slug: 'upstream-timeout', title: 'Upstream timeout' }],
]);

// Anything else is a bug or an unforeseen failure: its message may hold internals, so it never leaves.
const INTERNAL: ProblemSpec = { status: 500, slug: 'internal-error', title: 'Internal error' };
const INTERNAL_DETAIL = 'The gateway failed unexpectedly; quote the requestId when reporting it.';

/** The only place where an error becomes an HTTP status and problem body. */
export function toProblem(
  error: unknown,
  { instance, requestId, traceId }: { instance: string; requestId: string; traceId?: string | undefined },
): ProblemAnswer {
  const known = specFor(error);
  const spec = known ?? INTERNAL;
  const headers: Record<string, string> = {};
  const body: { -readonly [K in keyof Problem]: Problem[K] } = {
    type: `/problems/${spec.slug}`,
    title: spec.title,
    status: spec.status,
    detail: known && error instanceof Error ? sentence(error.message) : INTERNAL_DETAIL,
    instance,
    requestId,
  };
  if (traceId !== undefined) body.traceId = traceId;
  if (error instanceof RequestValidationError) body.errors = error.fieldErrors;
  if (error instanceof UpstreamError && error.upstream) body.upstream = error.upstream;
  if (error instanceof MethodNotAllowedError) headers.Allow = error.allow;
  if (error instanceof UnsupportedMediaTypeError && error.options.acceptEncoding !== undefined) {
    headers['Accept-Encoding'] = error.options.acceptEncoding;
  }
  if (error instanceof UnauthorizedError) {
    headers['WWW-Authenticate'] =
      `Bearer realm="redshift-namespace-gateway"${error.bearerError ? `, error="${error.bearerError}"` : ''}`;
  }
  const retryAfter = retryAfterOf(error) ?? spec.retryAfterSeconds;
  if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
  return { status: spec.status, headers, body };
}

/** Every problem the gateway can answer, once each by slug: for the contract and documentation checks. */
export function problemSpecs(): ProblemSpec[] {
  const bySlug = new Map<string, ProblemSpec>([[INTERNAL.slug, INTERNAL]]);
  for (const spec of table.values()) bySlug.set(spec.slug, spec);
  return [...bySlug.values()].sort((a, b) => a.status - b.status || a.slug.localeCompare(b.slug));
}

function retryAfterOf(error: unknown): number | undefined {
  if (error instanceof RateLimitedError) return error.retryAfterSeconds;
  if (error instanceof UpstreamUnavailableError) return error.retryAfterSeconds;
  return undefined;
}

function specFor(error: unknown): ProblemSpec | undefined {
  for (const [errorClass, spec] of table) {
    if (error instanceof errorClass) return spec;
  }
  return undefined;
}

function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
