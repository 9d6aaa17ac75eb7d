import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { JwtConfig } from '../../config';
import type { Caller } from '../../domain/caller';
import { AuthUnavailableError, UnauthorizedError } from '../errors';

// JWKS fetches that fail this way are the identity provider's trouble, not the caller's.
const JWKS_UNAVAILABLE = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID']);

/**
 * Verifies `Authorization: Bearer <jwt>` against the configured issuer, audience and JWKS: the
 * algorithms are pinned (so `none` and algorithm confusion are refused), clock skew is bounded,
 * keys are cached and refetched when an unknown `kid` appears (rotation), at most once per cooldown.
 * @throws UnauthorizedError for any token that does not verify.
 * @throws AuthUnavailableError when the JWKS cannot be fetched.
 */
export function createJwtVerifier(jwt: JwtConfig): (token: string) => Promise<Caller> {
  const keys = createRemoteJWKSet(new URL(jwt.jwksUrl), {
    cooldownDuration: jwt.jwksCooldownMs,
    cacheMaxAge: 10 * 60_000,
    timeoutDuration: 5_000,
  });
  return async (token) => {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: jwt.issuer,
        audience: jwt.audience,
        algorithms: [...jwt.algorithms],
        clockTolerance: jwt.clockToleranceSeconds,
      }));
    } catch (error) {
      if (error instanceof errors.JOSEError && !JWKS_UNAVAILABLE.has(error.code)) {
        throw new UnauthorizedError(`The bearer token is not valid (${describe(error)}).`, 'invalid_token');
      }
      throw new AuthUnavailableError('The identity provider keys cannot be fetched right now.');
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
      return 'expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `claim '${(error as InstanceType<typeof errors.JWTClaimValidationFailed>).claim}' is not accepted`;
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
