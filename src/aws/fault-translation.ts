import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import type { SdkError } from '@smithy/types';
import type { UpstreamFault } from '../contract';
import {
  ClusterNotFoundError,
  InvalidClusterStateError,
  InvalidNamespaceError,
  UpstreamRejectedError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../domain/errors';
import { RoleAssumptionError } from './assumed-role-credentials';

/** The fields of an SDK service exception that the translation reads. */
interface AwsErrorShape {
  name: string;
  Code?: unknown;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

const DROPPED_CONNECTION = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED']);

// Codes with which AWS refuses the credentials a call was signed with.
const CREDENTIAL_REFUSED = new Set([
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
]);

/**
 * Turns whatever the Redshift call threw into a domain error, with the original as `cause`.
 * Only this function knows the SDK's error names; anything that is not an AWS or transport
 * failure is returned unchanged, to end as a 500.
 */
export function translateFault(error: unknown, { deadlineExceeded }: { deadlineExceeded: boolean }): unknown {
  const cause = { cause: error };
  if (deadlineExceeded) {
    return new UpstreamTimeoutError('Redshift did not answer within the deadline', upstreamOf(error), cause);
  }
  if (error instanceof RoleAssumptionError) {
    return new UpstreamRejectedError('the gateway could not assume its AWS role', upstreamOf(error.cause), cause);
  }
  if (!(error instanceof Error)) return error;

  const upstream = upstreamOf(error);
  // The SDK's HTTP handler renames ECONNRESET and EPIPE errors to TimeoutError: a connection that
  // was dropped is an unavailable upstream, not a slow one.
  if (DROPPED_CONNECTION.has((error as { code?: unknown }).code as string)) {
    return new UpstreamUnavailableError('the connection to Redshift was dropped', upstream, cause);
  }
  switch (error.name) {
    case 'ClusterNotFoundFault':
      return new ClusterNotFoundError('Redshift has no cluster or namespace with that identifier', upstream, cause);
    case 'InvalidNamespaceFault':
      return new InvalidNamespaceError('Redshift refused the namespace for this operation', upstream, cause);
    case 'InvalidClusterStateFault':
      return new InvalidClusterStateError('the cluster is not in a state that allows this operation', upstream, cause);
    case 'TimeoutError':
      return new UpstreamTimeoutError('every attempt to reach Redshift timed out', upstream, cause);
  }
  const sdkError = error as SdkError;
  if (isThrottlingError(sdkError) || isTransientError(sdkError) || isServerError(sdkError)) {
    return new UpstreamUnavailableError('Redshift is throttling or unavailable', upstream, cause);
  }
  if (CREDENTIAL_REFUSED.has(error.name)) {
    return new UpstreamRejectedError("AWS refused the gateway's credentials for this call", upstream, cause);
  }
  if (upstream !== undefined) {
    return new UpstreamRejectedError('Redshift answered with a fault the gateway does not know', upstream, cause);
  }
  return error;
}

/**
 * What AWS said, for errors that are AWS answers: the wire code when the protocol gave one, and
 * the request id. Transport failures carry `$metadata` too (the retry count) but no HTTP status.
 */
function upstreamOf(error: unknown): UpstreamFault | undefined {
  if (!(error instanceof Error)) return undefined;
  const { name, Code, $fault, $metadata } = error as Error & AwsErrorShape;
  if ($fault === undefined && $metadata?.httpStatusCode === undefined) return undefined;
  const code = typeof Code === 'string' && Code !== '' ? Code : name;
  return $metadata?.requestId ? { code, requestId: $metadata.requestId } : { code };
}
