import { z } from 'zod';
import { defineSection, variable } from '../../env/variable';
import { booleanFlag, endpointUrl, integer, nonEmpty, optionalText } from '../../env/parsers';
import {
  LOCAL_API_KEY,
  LOCAL_API_KEY_DIGEST,
  duplicateKeyProblems,
  parseApiKeyEntries,
  type ApiKeyDigest,
} from './api-keys';
import type { JwtOptions } from './jwt-verifier';

/** Who may call: API keys, OIDC JWTs, or (AUTH_DISABLED) everyone. */
export interface AuthOptions {
  readonly disabled: boolean;
  /** From API_KEYS and API_KEYS_FILE. */
  readonly apiKeys: readonly ApiKeyDigest[];
  /** From the JWT_* variables, when JWT callers are configured. */
  readonly jwt: JwtOptions | undefined;
}

const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
// Unknown `kid`s cause at most one JWKS fetch this often.
const JWKS_COOLDOWN_MS = 30_000;

export const AUTH_SETTINGS = defineSection({
  title: 'Callers (authentication)',
  variables: {
    API_KEYS: variable(
      `API keys as \`name:sha256hex\` pairs, comma-separated; make a digest with \`printf %s "$KEY" | sha256sum\`. The local value admits the key \`${LOCAL_API_KEY}\` as \`local-developer\`.`,
      optionalText,
      { local: `local-developer:${LOCAL_API_KEY_DIGEST}` },
    ),
    API_KEYS_FILE: variable(
      'A file with one `name sha256hex` per line (`#` comments allowed), read at start; may be set beside API_KEYS.',
      optionalText,
    ),
    AUTH_DISABLED: variable(
      'true admits every caller without a credential (a warning is logged at every start).',
      booleanFlag,
      { default: 'false' },
    ),
    JWT_ISSUER: variable(
      'OIDC callers: the issuer (`iss`) of their JWTs. JWT_ISSUER, JWT_AUDIENCE and JWT_JWKS_URL are set together or not at all.',
      optionalText,
    ),
    JWT_AUDIENCE: variable('The audience (`aud`) the JWTs must name.', optionalText),
    JWT_JWKS_URL: variable("The issuer's JWKS (http or https URL) that signs the JWTs.", endpointUrl),
    JWT_IDENTITY_CLAIM: variable('The JWT claim that names the caller.', nonEmpty, { default: 'sub' }),
    JWT_GROUPS_CLAIM: variable('The JWT claim that lists the caller’s groups.', nonEmpty, { default: 'groups' }),
    JWT_ALGORITHMS: variable(
      `Accepted signature algorithms, comma-separated, of ${JWT_ALGORITHMS.join(', ')} (never none).`,
      z
        .string()
        .transform((value) => value.split(',').map((alg) => alg.trim()))
        .pipe(
          z.array(z.enum(JWT_ALGORITHMS, { error: `must list algorithms of ${JWT_ALGORITHMS.join(', ')}` })).min(1),
        ),
      { default: 'RS256' },
    ),
    JWT_CLOCK_TOLERANCE_SECONDS: variable('Clock skew allowed on `exp` and `nbf` (0 to 300 s).', integer(0, 300), {
      default: '30',
    }),
    JWT_MAX_AGE_SECONDS: variable(
      'Oldest token accepted by its `iat`, whatever its `exp` says (60 to 604800 s). Tokens must carry `exp` and `iat`.',
      integer(60, 604800),
      { default: '86400' },
    ),
  },
  build: (v, check): AuthOptions => {
    const problems: string[] = [];
    const apiKeys: ApiKeyDigest[] = [];
    if (v.API_KEYS !== undefined) {
      apiKeys.push(...parseApiKeyEntries('API_KEYS', v.API_KEYS.split(','), ':', problems));
    }
    if (v.API_KEYS_FILE !== undefined) {
      const text = check.readFile('API_KEYS_FILE', v.API_KEYS_FILE);
      if (text !== undefined) {
        const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
        apiKeys.push(...parseApiKeyEntries('API_KEYS_FILE', lines, /\s+/, problems));
      }
    }
    problems.push(...duplicateKeyProblems(apiKeys));
    problems.forEach((problem) => check.problem(problem));

    const jwtSettings = [v.JWT_ISSUER, v.JWT_AUDIENCE, v.JWT_JWKS_URL];
    let jwt: JwtOptions | undefined;
    if (jwtSettings.every((value) => value !== undefined)) {
      jwt = {
        issuer: v.JWT_ISSUER!,
        audience: v.JWT_AUDIENCE!,
        jwksUrl: v.JWT_JWKS_URL!,
        identityClaim: v.JWT_IDENTITY_CLAIM,
        groupsClaim: v.JWT_GROUPS_CLAIM,
        algorithms: v.JWT_ALGORITHMS,
        clockToleranceSeconds: v.JWT_CLOCK_TOLERANCE_SECONDS,
        jwksCooldownMs: JWKS_COOLDOWN_MS,
        maxAgeSeconds: v.JWT_MAX_AGE_SECONDS,
      };
    } else if (jwtSettings.some((value) => value !== undefined) && check.parsed('JWT_JWKS_URL')) {
      check.problem('JWT_ISSUER, JWT_AUDIENCE and JWT_JWKS_URL must be set together');
    }
    const jwtAsked = jwtSettings.some((value) => value !== undefined) || !check.parsed('JWT_JWKS_URL');
    if (apiKeys.length === 0 && !jwtAsked && v.AUTH_DISABLED === false && check.parsed('API_KEYS', 'API_KEYS_FILE')) {
      check.problem(
        'API_KEYS, API_KEYS_FILE or JWT_ISSUER/JWT_AUDIENCE/JWT_JWKS_URL must admit someone (or set AUTH_DISABLED=true)',
      );
    }
    if (v.AUTH_DISABLED) check.warn('AUTH_DISABLED=true: every caller is admitted without a credential');
    return { disabled: v.AUTH_DISABLED, apiKeys, jwt };
  },
});
