import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { Caller } from '../../domain/caller';
import { AuthUnavailableError, UnauthorizedError } from '../errors';

/** OIDC callers: whose JWTs are accepted, and how they are read. */
export interface JwtOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
  readonly identityClaim: string;
  readonly groupsClaim: string;
  readonly algorithms: readonly string[];
  readonly clockToleranceSeconds: number;
  /** Least time between two JWKS fetches caused by an unknown `kid`. */
  readonly jwksCooldownMs: number;
  /** Oldest `iat` accepted, whatever `exp` says. */
  readonly maxAgeSeconds: number;
}

// After a failed JWKS fetch, no other is tried for this long: requests get 503 at once meanwhile, so
// that a failing identity provider costs one fetch every few seconds, not one per request.
const JWKS_FAILURE_PAUSE_MS = 5_000;

/** The JWKS could not be fetched or read: the identity provider's trouble, not the caller's. */
class JwksUnavailableError extends Error {
  override readonly name = 'JwksUnavailableError';
}

/**
 * Verifies `Authorization: Bearer <jwt>` against the configured issuer, audience and JWKS: the
 * algorithms are pinned (so `none` and algorithm confusion are refused), clock skew is bounded,
 * keys are cached and refetched when an unknown `kid` appears (rotation), at most once per cooldown.
 * A token must carry `exp`, and `iat` no older than `maxAgeSeconds`.
 * @throws UnauthorizedError for any token that does not verify.
 * @throws AuthUnavailableError when the JWKS cannot be fetched or read (an error status, HTML, a timeout).
 */
export function createJwtVerifier(jwt: JwtOptions, now: () => number = Date.now): (token: string) => Promise<Caller> {
  const remoteKeys = createRemoteJWKSet(new URL(jwt.jwksUrl), {
    cooldownDuration: jwt.jwksCooldownMs,
    cacheMaxAge: 10 * 60_000,
    timeoutDuration: 5_000,
  });
  let unavailableUntil = 0;
  const keys: typeof remoteKeys = Object.assign(async (...args: Parameters<typeof remoteKeys>) => {
    if (now() < unavailableUntil) throw new JwksUnavailableError('the last JWKS fetch failed moments ago');
    try {
      return await remoteKeys(...args);
    } catch (error) {
      // No key for the token's kid (or several) is about the token; anything else is the fetch failing.
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      unavailableUntil = now() + JWKS_FAILURE_PAUSE_MS;
      throw new JwksUnavailableError('the JWKS cannot be fetched or read', { cause: error });
    }
  }, remoteKeys);
  return async (token) => {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: jwt.issuer,
        audience: jwt.audience,
        algorithms: [...jwt.algorithms],
        clockTolerance: jwt.clockToleranceSeconds,
        requiredClaims: ['exp'],
        maxTokenAge: jwt.maxAgeSeconds,
      }));
    } catch (error) {
      if (error instanceof JwksUnavailableError) {
        throw new AuthUnavailableError('The identity provider keys cannot be fetched right now.', { cause: error });
      }
      if (error instanceof errors.JOSEError) {
        throw new UnauthorizedError(`The bearer token is not valid (${describe(error)}).`, 'invalid_token', {
          cause: error,
        });
      }
      throw error;
    }
    const id = payload[jwt.identityClaim];
    if (typeof id !== 'string' || id === '') {
      throw new UnauthorizedError(`The bearer token has no '${jwt.identityClaim}' claim.`, 'invalid_token');
    }
    const groups = payload[jwt.groupsClaim];
    return {
      id,
      via: 'jwt',
      groups: Array.isArray(groups) ? groups.filter((group): group is string => typeof group === 'string') : [],
    };
  };
}

/** A short reason a caller can act on, without echoing the token. */
function describe(error: InstanceType<typeof errors.JOSEError>): string {
  switch (error.code) {
    case 'ERR_JWT_EXPIRED':
      // maxTokenAge fails on the iat claim, with the same error class as exp.
      return (error as InstanceType<typeof errors.JWTExpired>).claim === 'iat' ? 'issued too long ago' : 'expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const { claim, reason } = error as InstanceType<typeof errors.JWTClaimValidationFailed>;
      return reason === 'missing' ? `claim '${claim}' is missing` : `claim '${claim}' is not accepted`;
    }
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'algorithm not allowed';
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'signed with an unknown key';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'bad signature';
    default:
      return 'malformed';
  }
}
