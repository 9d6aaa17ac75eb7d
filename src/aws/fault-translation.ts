import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import type { SdkError } from '@smithy/types';
import type { UpstreamFault } from '../domain/errors';
import {
  ClusterNotFoundError,
  InvalidClusterStateError,
  InvalidNamespaceError,
  RejectedByRedshiftError,
  UpstreamRejectedError,
  UpstreamTimeoutError,
  UpstreamError,
  UpstreamUnavailableError,
} from '../domain/errors';
import { RoleAssumptionError } from './assumed-role-credentials';

/** The fields of an SDK service exception that the translation reads. */
interface AwsErrorShape {
  name: string;
  message: string;
  Code?: unknown;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

/** How the gateway answers one class of AWS answer. */
export type FaultClass =
  | 'cluster-not-found'
  | 'invalid-namespace'
  | 'invalid-cluster-state'
  | 'rejected-by-redshift'
  | 'upstream-unavailable'
  | 'upstream-timeout'
  | 'credentials-refused'
  | 'gateway-not-permitted';

/**
 * Errors classified by name, ahead of the general rules below. The three faults the Redshift model
 * declares for RegisterNamespace and DeregisterNamespace; Redshift's dependent-service faults, which
 * the model marks as client faults (HTTP 400) but whose documentation says "wait and retry"; and the
 * AWS common errors (https://docs.aws.amazon.com/redshift/latest/APIReference/CommonErrors.html) and
 * STS errors that are about the gateway's own credentials or permissions, not the caller's request.
 */
const FAULTS_BY_NAME: Readonly<Record<string, FaultClass>> = {
  ClusterNotFoundFault: 'cluster-not-found',
  InvalidNamespaceFault: 'invalid-namespace',
  // Redshift Serverless, reading a namespace (status): the same answer as RegisterNamespace gives.
  ResourceNotFoundException: 'invalid-namespace',
  InvalidClusterStateFault: 'invalid-cluster-state',
  DependentServiceUnavailableFault: 'upstream-unavailable',
  DependentServiceRequestThrottlingFault: 'upstream-unavailable',
  // Signed with credentials that AWS no longer takes: assuming the role again can cure these.
  ExpiredToken: 'credentials-refused',
  ExpiredTokenException: 'credentials-refused',
  InvalidClientTokenId: 'credentials-refused',
  RequestExpired: 'credentials-refused',
  UnrecognizedClientException: 'credentials-refused',
  InvalidAccessKeyId: 'credentials-refused',
  // The role lacks a permission, or the signature is wrong: only the gateway's operators can cure these.
  AccessDenied: 'gateway-not-permitted',
  AccessDeniedException: 'gateway-not-permitted',
  NotAuthorized: 'gateway-not-permitted',
  UnauthorizedOperation: 'gateway-not-permitted',
  OptInRequired: 'gateway-not-permitted',
  DependentServiceAccessDeniedFault: 'gateway-not-permitted',
  SignatureDoesNotMatch: 'gateway-not-permitted',
  IncompleteSignature: 'gateway-not-permitted',
  MissingAuthenticationToken: 'gateway-not-permitted',
};

// Codes worth a metric label of their own (label values must stay a bounded set): the table's, the
// wire codes of the modelled faults, and the AWS common and throttling errors.
const KNOWN_CODES: ReadonlySet<string> = new Set([
  ...Object.keys(FAULTS_BY_NAME),
  'ClusterNotFound',
  'InvalidClusterState',
  'InternalFailure',
  'InvalidAction',
  'InvalidParameterCombination',
  'InvalidParameterValue',
  'InvalidQueryParameter',
  'MalformedQueryString',
  'MissingAction',
  'MissingParameter',
  'ServiceUnavailable',
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'UnsupportedOperation',
  'ValidationError',
]);

/** The metric label for a failed call: a known AWS code, else `other`, else the gateway's own code. */
export function metricCodeOf(error: unknown): string {
  if (!(error instanceof UpstreamError)) return 'unexpected';
  const code = error.upstream?.code;
  if (code === undefined) return error.code;
  return KNOWN_CODES.has(code) ? code : 'other';
}

const DROPPED_CONNECTION = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED']);

/** AWS's messages are shown to callers: no control characters, bounded length. */
const MAX_MESSAGE_LENGTH = 500;

/**
 * Which class an error of Redshift (or of STS, for the role) falls in, or undefined for anything
 * that is no AWS or transport failure (a bug, to end as a 500).
 */
export function classifyFault(error: unknown): FaultClass | undefined {
  if (!(error instanceof Error)) return undefined;
  // The SDK's HTTP handler renames ECONNRESET and EPIPE errors to TimeoutError: a connection that
  // was dropped is an unavailable upstream, not a slow one.
  if (DROPPED_CONNECTION.has((error as { code?: unknown }).code as string)) return 'upstream-unavailable';
  const named = FAULTS_BY_NAME[error.name];
  if (named !== undefined) return named;
  if (error.name === 'TimeoutError') return 'upstream-timeout';
  const sdkError = error as SdkError;
  if (isThrottlingError(sdkError) || isTransientError(sdkError) || isServerError(sdkError)) {
    return 'upstream-unavailable';
  }
  const { $fault, $metadata } = error as Error & AwsErrorShape;
  const status = $metadata?.httpStatusCode;
  // Any other answer of AWS: a Sender fault (4xx) is about the request; anything else is AWS's failure.
  if ($fault === 'client' || (status !== undefined && status >= 400 && status < 500)) return 'rejected-by-redshift';
  if ($fault === 'server' || status !== undefined) return 'upstream-unavailable';
  return undefined;
}

/** Whether the call failed because AWS refused the (cached, believed valid) credentials it was signed with. */
export function isCredentialRefusal(error: unknown): boolean {
  return classifyFault(error) === 'credentials-refused';
}

/**
 * Turns whatever the Redshift call threw into a domain error, with the original as `cause`; `subject`
 * names what the caller asked about ("cluster 'analytics-prod'"), for the detail. Only this module
 * knows the SDK's error names; anything that is not an AWS or transport failure is returned
 * unchanged, to end as a 500.
 */
export function translateFault(
  error: unknown,
  { deadlineExceeded, subject }: { deadlineExceeded: boolean; subject: string },
): unknown {
  const cause = { cause: error };
  if (deadlineExceeded) {
    return new UpstreamTimeoutError(`AWS did not answer within the deadline for ${subject}`, upstreamOf(error), cause);
  }
  if (error instanceof RoleAssumptionError) return translateRoleFailure(error, subject);

  const upstream = upstreamOf(error);
  const code = upstream?.code;
  switch (classifyFault(error)) {
    case undefined:
      return error;
    case 'cluster-not-found':
      return new ClusterNotFoundError(`Redshift has no ${subject} in this account and region`, upstream, cause);
    case 'invalid-namespace':
      return new InvalidNamespaceError(
        `Redshift refused ${subject} for this operation; upstream.message says why`,
        upstream,
        cause,
      );
    case 'invalid-cluster-state':
      return new InvalidClusterStateError(
        `${subject} is not in a state that allows this operation now; this is usually transient, retry after Retry-After seconds`,
        upstream,
        cause,
      );
    case 'rejected-by-redshift':
      return new RejectedByRedshiftError(
        `Redshift rejected the request for ${subject} (${code ?? 'no code'}); upstream.message says why`,
        upstream,
        cause,
      );
    case 'upstream-unavailable':
      return new UpstreamUnavailableError(
        `Redshift is throttling, unavailable or unreachable for ${subject}; retry after Retry-After seconds`,
        upstream,
        cause,
      );
    case 'upstream-timeout':
      return new UpstreamTimeoutError(`every attempt to reach Redshift for ${subject} timed out`, upstream, cause);
    case 'credentials-refused':
    case 'gateway-not-permitted':
      return new UpstreamRejectedError(
        `AWS refused the gateway's credentials or permissions for ${subject} (${code ?? 'no code'}); not the caller's fault`,
        upstream,
        cause,
      );
  }
}

/** STS trouble is classified like Redshift's: transient → 503 (or 504), a refused role → 502. */
function translateRoleFailure(error: RoleAssumptionError, subject: string): UpstreamError {
  const stsError = error.cause;
  const upstream = upstreamOf(stsError);
  const options = { cause: error, retryAfterSeconds: error.retryAfterSeconds };
  switch (classifyFault(stsError)) {
    case 'upstream-unavailable':
      return new UpstreamUnavailableError(
        `STS is throttling, unavailable or unreachable, so the gateway has no credentials for ${subject} now; retry after Retry-After seconds`,
        upstream,
        options,
      );
    case 'upstream-timeout':
      return new UpstreamTimeoutError(
        `STS did not answer in time, so the gateway has no credentials for ${subject}`,
        upstream,
        options,
      );
    default:
      return new UpstreamRejectedError(
        `the gateway could not assume its AWS role (${upstream?.code ?? 'no answer'}); not the caller's fault`,
        upstream,
        options,
      );
  }
}

/**
 * What AWS said, for errors that are AWS answers: the wire code when the protocol gave one, the
 * request id and AWS's own message. Transport failures carry `$metadata` too (the retry count) but no
 * HTTP status, and yield nothing.
 */
function upstreamOf(error: unknown): UpstreamFault | undefined {
  if (!(error instanceof Error)) return undefined;
  const { name, Code, $fault, $metadata, message } = error as Error & AwsErrorShape;
  if ($fault === undefined && $metadata?.httpStatusCode === undefined) return undefined;
  const code = typeof Code === 'string' && Code !== '' ? Code : name;
  const text = cleanMessage(message);
  return {
    code,
    ...($metadata?.requestId ? { requestId: $metadata.requestId } : {}),
    ...(text ? { message: text } : {}),
  };
}

/** Control characters (C0, C1, line and paragraph separators) become spaces; at most 500 characters. */
export function cleanMessage(message: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  const text = (message ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return text.length <= MAX_MESSAGE_LENGTH ? text : `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}
