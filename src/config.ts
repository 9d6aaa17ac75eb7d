import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import bytes from 'bytes';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { worstCaseBackoffMs } from './aws/retry-budget';
import { ALLOW_ALL, AccessPolicyError, parseAccessPolicy, type AccessPolicy } from './domain/access-policy';

export interface ApiKeyDigest {
  /** The caller's name, used as its identity in logs. */
  readonly name: string;
  /** SHA-256 digest of the key, 32 bytes. */
  readonly digest: Buffer;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  /** How long shutdown waits for requests in flight before answering them 503. */
  readonly shutdownTimeoutMs: number;
  readonly logLevel: LogLevel;
  readonly http: {
    readonly bodyLimitBytes: number;
    readonly jsonMaxDepth: number;
    /** Number of proxy hops in front of the gateway whose X-Forwarded-For is believed. */
    readonly trustProxyHops: number;
    /** Origins allowed by CORS; empty means no CORS headers at all. */
    readonly corsOrigins: readonly string[];
    /** Node's HTTP server limits: slow or idle clients cannot hold sockets for long. */
    readonly headersTimeoutMs: number;
    readonly requestTimeoutMs: number;
    readonly keepAliveTimeoutMs: number;
    readonly maxConnections: number;
    /** A bearer token that GET /metrics requires; open when unset. */
    readonly metricsToken: string | undefined;
  };
  readonly auth: {
    readonly disabled: boolean;
    readonly apiKeys: readonly ApiKeyDigest[];
    readonly jwt: JwtConfig | undefined;
  };
  readonly authz: {
    readonly policy: AccessPolicy;
    /** True when AUTHZ_ALLOW_ALL=true stands in for a policy file. */
    readonly allowAll: boolean;
  };
  readonly limits: {
    readonly ratePerMinute: number;
    readonly maxConcurrentUpstream: number;
  };
  /** `Prefer: wait` on the changes: the longest a request may wait, and how many may wait at once. */
  readonly waiting: {
    readonly maxWaitSeconds: number;
    readonly maxWaiting: number;
  };
  readonly idempotency: {
    readonly ttlSeconds: number;
    readonly maxEntries: number;
    readonly maxEntriesPerCaller: number;
    /** Redis shared by the replicas; in-process memory when unset. */
    readonly redisUrl: string | undefined;
  };
  /** Audit events go to this file, or to stdout when unset. */
  readonly auditLogFile: string | undefined;
  readonly aws: {
    readonly region: string;
    readonly roleArn: string;
    readonly roleExternalId: string | undefined;
    readonly roleSessionName: string;
    readonly roleDurationSeconds: number;
    readonly redshiftEndpoint: string | undefined;
    readonly stsEndpoint: string | undefined;
    readonly serverlessEndpoint: string | undefined;
    readonly useFipsEndpoint: boolean;
    readonly useDualstackEndpoint: boolean;
    /** The SDK's retry mode for every client. */
    readonly retryMode: RetryMode;
    /** Sent in the user agent of every AWS call, so that CloudTrail tells the gateway's calls apart. */
    readonly userAgentAppId: string;
    readonly timeoutMs: number;
    readonly connectTimeoutMs: number;
    /** Explicit, or derived so that every attempt and the back-off between them fit in `timeoutMs`. */
    readonly attemptTimeoutMs: number;
    readonly maxAttempts: number;
    readonly maxSockets: number;
  };
}

export interface JwtConfig {
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

const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

const RETRY_MODES = ['standard', 'adaptive'] as const;
export type RetryMode = (typeof RETRY_MODES)[number];

// AWS refuses a role-chained session (base credentials that are themselves a role's, as on ECS, EKS
// and EC2) longer than one hour.
const ROLE_CHAINING_MAX_SECONDS = 3600;
// An attempt shorter than this cannot reach AWS and back.
const MIN_ATTEMPT_TIMEOUT_MS = 100;

/** This package's version, for the default user agent app id. */
export const GATEWAY_VERSION: string = (
  JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }
).version;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Thrown by loadConfig; its message is one line naming every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const API_KEY_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const endpointUrl = optionalText.pipe(
  z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).optional(),
);

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''], { error: 'must be true or false' })
  .default('false')
  .transform((value) => value === 'true' || value === '1');

const envSchema = z.object({
  PORT: integer(0, 65535).default(8080),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  SHUTDOWN_TIMEOUT_MS: integer(0, 600000).default(25000),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  BODY_LIMIT: z
    .string()
    .default('16kb')
    .transform((value, ctx) => {
      const parsed = bytes.parse(value);
      if (parsed === null || !Number.isFinite(parsed) || parsed < 1 || parsed > 1024 * 1024) {
        ctx.addIssue({ code: 'custom', message: 'must be a size from 1b to 1mb, such as 16kb' });
        return z.NEVER;
      }
      return parsed;
    }),
  TRUST_PROXY: integer(0, 10).default(0),
  JSON_MAX_DEPTH: integer(2, 64).default(8),
  CORS_ORIGINS: optionalText.pipe(
    z
      .string()
      .transform((value) => value.split(',').map((origin) => origin.trim()))
      .pipe(
        z.array(
          z
            .url({ protocol: /^https?$/, error: 'must be a comma-separated list of http(s) origins' })
            // A browser's Origin is scheme, host and port only: an entry with a path would never match.
            .refine((entry) => new URL(entry).origin === entry, {
              error:
                'must list origins only (scheme, host and optional port, such as https://app.example.com), no path',
            }),
        ),
      )
      .optional(),
  ),
  HTTP_HEADERS_TIMEOUT_MS: integer(1000, 120000).default(10000),
  HTTP_REQUEST_TIMEOUT_MS: integer(1000, 600000).default(30000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: integer(1000, 600000).default(65000),
  HTTP_MAX_CONNECTIONS: integer(1, 100000).default(1024),
  METRICS_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  RATE_LIMIT_PER_MINUTE: integer(1, 100000).default(60),
  MAX_CONCURRENT_UPSTREAM: integer(1, 1024).default(32),
  REGISTRATION_WAIT_MAX_SECONDS: integer(0, 900).default(120),
  REGISTRATION_MAX_WAITING: integer(1, 10000).default(100),
  AUDIT_LOG_FILE: optionalText,
  IDEMPOTENCY_TTL_SECONDS: integer(60, 604800).default(86400),
  IDEMPOTENCY_MAX_ENTRIES: integer(100, 1000000).default(10000),
  IDEMPOTENCY_MAX_ENTRIES_PER_CALLER: integer(10, 1000000).default(1000),
  REDIS_URL: optionalText.pipe(
    z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  ),
  JWT_ISSUER: optionalText,
  JWT_AUDIENCE: optionalText,
  JWT_JWKS_URL: endpointUrl,
  JWT_IDENTITY_CLAIM: z.string().trim().min(1).default('sub'),
  JWT_GROUPS_CLAIM: z.string().trim().min(1).default('groups'),
  JWT_ALGORITHMS: z
    .string()
    .default('RS256')
    .transform((value) => value.split(',').map((alg) => alg.trim()))
    .pipe(z.array(z.enum(JWT_ALGORITHMS, { error: `must list algorithms of ${JWT_ALGORITHMS.join(', ')}` })).min(1)),
  JWT_CLOCK_TOLERANCE_SECONDS: integer(0, 300).default(30),
  JWT_MAX_AGE_SECONDS: integer(60, 604800).default(86400),
  AUTHZ_POLICY_FILE: optionalText,
  AUTHZ_ALLOW_ALL: booleanFlag,
  AUTH_DISABLED: booleanFlag,
  API_KEYS: optionalText,
  API_KEYS_FILE: optionalText,
  AWS_REGION: z
    .string({ error: 'is required' })
    .trim()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as eu-west-1'),
  REDSHIFT_ROLE_ARN: z
    .string({ error: 'is required' })
    .trim()
    .regex(
      /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
      'must be an IAM role ARN such as arn:aws:iam::111122223333:role/name',
    ),
  // Character set and lengths are those of STS AssumeRole.
  REDSHIFT_ROLE_EXTERNAL_ID: optionalText.pipe(
    z
      .string()
      .regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2 to 1224 characters of letters, digits and +=,.@:/-')
      .optional(),
  ),
  REDSHIFT_ROLE_SESSION_NAME: z
    .string()
    .trim()
    .regex(/^[\w+=,.@-]{2,64}$/, 'must be 2 to 64 characters of letters, digits and +=,.@-')
    .default('redshift-namespace-gateway'),
  REDSHIFT_ROLE_DURATION_SECONDS: integer(900, 43200).default(3600),
  AWS_ENDPOINT_URL: endpointUrl,
  AWS_ENDPOINT_URL_REDSHIFT: endpointUrl,
  AWS_ENDPOINT_URL_STS: endpointUrl,
  AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS: endpointUrl,
  AWS_USE_FIPS_ENDPOINT: booleanFlag,
  AWS_USE_DUALSTACK_ENDPOINT: booleanFlag,
  AWS_RETRY_MODE: z.enum(RETRY_MODES, { error: `must be one of ${RETRY_MODES.join(', ')}` }).default('standard'),
  // The SDK warns about app ids over 50 characters.
  AWS_SDK_UA_APP_ID: optionalText.pipe(
    z
      .string()
      .regex(/^[\w.@/:+=-]{1,50}$/, 'must be 1 to 50 characters of letters, digits and ._@/:+=-')
      .optional(),
  ),
  UPSTREAM_TIMEOUT_MS: integer(100, 120000).default(10000),
  UPSTREAM_CONNECT_TIMEOUT_MS: integer(50, 60000).default(3000),
  UPSTREAM_ATTEMPT_TIMEOUT_MS: optionalText.pipe(integer(50, 120000).optional()),
  UPSTREAM_MAX_ATTEMPTS: integer(1, 10).default(3),
  UPSTREAM_MAX_SOCKETS: integer(1, 1024).default(50),
});

/** Every environment variable the gateway reads; `.env.example` documents each of them. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

type Env = Readonly<Record<string, string | undefined>>;
type ReadTextFile = (path: string) => string;

/**
 * Parses and checks the environment once, at start-up.
 * @throws ConfigError naming every variable that is missing or wrong, on one line.
 */
export function loadConfig(
  env: Env = process.env,
  readTextFile: ReadTextFile = (path) => readFileSync(path, 'utf8'),
): Config {
  const parsed = envSchema.safeParse(env);
  const problems: string[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  const e = parsed.data;

  const apiKeys: ApiKeyDigest[] = [];
  if (e.API_KEYS !== undefined) {
    apiKeys.push(...parseApiKeys('API_KEYS', e.API_KEYS.split(','), ':', problems));
  }
  if (e.API_KEYS_FILE !== undefined) {
    let text: string | undefined;
    try {
      text = readTextFile(e.API_KEYS_FILE);
    } catch (error) {
      problems.push(`API_KEYS_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (text !== undefined) {
      const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
      apiKeys.push(...parseApiKeys('API_KEYS_FILE', lines, /\s+/, problems));
    }
  }
  checkUnique(apiKeys, problems);

  const jwtSettings = [e.JWT_ISSUER, e.JWT_AUDIENCE, e.JWT_JWKS_URL];
  let jwt: JwtConfig | undefined;
  if (jwtSettings.every((value) => value !== undefined)) {
    jwt = {
      issuer: e.JWT_ISSUER!,
      audience: e.JWT_AUDIENCE!,
      jwksUrl: e.JWT_JWKS_URL!,
      identityClaim: e.JWT_IDENTITY_CLAIM,
      groupsClaim: e.JWT_GROUPS_CLAIM,
      algorithms: e.JWT_ALGORITHMS,
      clockToleranceSeconds: e.JWT_CLOCK_TOLERANCE_SECONDS,
      jwksCooldownMs: 30_000,
      maxAgeSeconds: e.JWT_MAX_AGE_SECONDS,
    };
  } else if (jwtSettings.some((value) => value !== undefined)) {
    problems.push('JWT_ISSUER, JWT_AUDIENCE and JWT_JWKS_URL must be set together');
  }
  if (apiKeys.length === 0 && jwt === undefined && !e.AUTH_DISABLED) {
    problems.push(
      'API_KEYS, API_KEYS_FILE or JWT_ISSUER/JWT_AUDIENCE/JWT_JWKS_URL must admit someone (or set AUTH_DISABLED=true)',
    );
  }

  let policy: AccessPolicy = ALLOW_ALL;
  if (e.AUTHZ_POLICY_FILE !== undefined && e.AUTHZ_ALLOW_ALL) {
    problems.push('AUTHZ_POLICY_FILE and AUTHZ_ALLOW_ALL=true exclude each other');
  } else if (e.AUTHZ_POLICY_FILE !== undefined) {
    policy = readPolicy(e.AUTHZ_POLICY_FILE, readTextFile, problems);
  } else if (!e.AUTHZ_ALLOW_ALL) {
    problems.push('AUTHZ_POLICY_FILE must name the access policy (or set AUTHZ_ALLOW_ALL=true)');
  }
  const backoffMs = worstCaseBackoffMs(e.UPSTREAM_MAX_ATTEMPTS);
  const attemptTimeoutMs =
    e.UPSTREAM_ATTEMPT_TIMEOUT_MS ?? Math.floor((e.UPSTREAM_TIMEOUT_MS - backoffMs) / e.UPSTREAM_MAX_ATTEMPTS);
  if (e.UPSTREAM_ATTEMPT_TIMEOUT_MS !== undefined) {
    const needed = e.UPSTREAM_MAX_ATTEMPTS * e.UPSTREAM_ATTEMPT_TIMEOUT_MS + backoffMs;
    if (needed > e.UPSTREAM_TIMEOUT_MS) {
      problems.push(
        `UPSTREAM_MAX_ATTEMPTS × UPSTREAM_ATTEMPT_TIMEOUT_MS plus the SDK's back-off (${backoffMs} ms at most) is ${needed} ms, more than UPSTREAM_TIMEOUT_MS (${e.UPSTREAM_TIMEOUT_MS}): raise UPSTREAM_TIMEOUT_MS, or lower the others (or leave UPSTREAM_ATTEMPT_TIMEOUT_MS unset to derive it)`,
      );
    }
  } else if (attemptTimeoutMs < MIN_ATTEMPT_TIMEOUT_MS) {
    problems.push(
      `UPSTREAM_TIMEOUT_MS (${e.UPSTREAM_TIMEOUT_MS}) leaves less than ${MIN_ATTEMPT_TIMEOUT_MS} ms per attempt for UPSTREAM_MAX_ATTEMPTS=${e.UPSTREAM_MAX_ATTEMPTS} after the SDK's back-off (${backoffMs} ms at most): raise it, or lower UPSTREAM_MAX_ATTEMPTS`,
    );
  }
  if (e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) {
    problems.push('HTTP_HEADERS_TIMEOUT_MS must not be more than HTTP_REQUEST_TIMEOUT_MS');
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);

  return deepFreeze({
    port: e.PORT,
    host: e.HOST,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    http: {
      bodyLimitBytes: e.BODY_LIMIT,
      jsonMaxDepth: e.JSON_MAX_DEPTH,
      trustProxyHops: e.TRUST_PROXY,
      corsOrigins: e.CORS_ORIGINS ?? [],
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: e.HTTP_MAX_CONNECTIONS,
      metricsToken: e.METRICS_TOKEN,
    },
    auth: { disabled: e.AUTH_DISABLED, apiKeys, jwt },
    authz: { policy, allowAll: e.AUTHZ_ALLOW_ALL },
    limits: { ratePerMinute: e.RATE_LIMIT_PER_MINUTE, maxConcurrentUpstream: e.MAX_CONCURRENT_UPSTREAM },
    waiting: { maxWaitSeconds: e.REGISTRATION_WAIT_MAX_SECONDS, maxWaiting: e.REGISTRATION_MAX_WAITING },
    idempotency: {
      ttlSeconds: e.IDEMPOTENCY_TTL_SECONDS,
      maxEntries: e.IDEMPOTENCY_MAX_ENTRIES,
      maxEntriesPerCaller: Math.min(e.IDEMPOTENCY_MAX_ENTRIES_PER_CALLER, e.IDEMPOTENCY_MAX_ENTRIES),
      redisUrl: e.REDIS_URL,
    },
    auditLogFile: e.AUDIT_LOG_FILE,
    aws: {
      region: e.AWS_REGION,
      roleArn: e.REDSHIFT_ROLE_ARN,
      roleExternalId: e.REDSHIFT_ROLE_EXTERNAL_ID,
      roleSessionName: e.REDSHIFT_ROLE_SESSION_NAME,
      roleDurationSeconds: e.REDSHIFT_ROLE_DURATION_SECONDS,
      redshiftEndpoint: e.AWS_ENDPOINT_URL_REDSHIFT ?? e.AWS_ENDPOINT_URL,
      stsEndpoint: e.AWS_ENDPOINT_URL_STS ?? e.AWS_ENDPOINT_URL,
      serverlessEndpoint: e.AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS ?? e.AWS_ENDPOINT_URL,
      useFipsEndpoint: e.AWS_USE_FIPS_ENDPOINT,
      useDualstackEndpoint: e.AWS_USE_DUALSTACK_ENDPOINT,
      retryMode: e.AWS_RETRY_MODE,
      userAgentAppId: e.AWS_SDK_UA_APP_ID ?? `redshift-namespace-gateway/${GATEWAY_VERSION}`,
      timeoutMs: e.UPSTREAM_TIMEOUT_MS,
      connectTimeoutMs: e.UPSTREAM_CONNECT_TIMEOUT_MS,
      attemptTimeoutMs,
      maxAttempts: e.UPSTREAM_MAX_ATTEMPTS,
      maxSockets: e.UPSTREAM_MAX_SOCKETS,
    },
  });
}

/** What an operator should know at every start: settings that are allowed but risky. */
export function startupWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.auth.disabled) warnings.push('AUTH_DISABLED=true: every caller is admitted without a credential');
  if (config.authz.allowAll) {
    warnings.push('AUTHZ_ALLOW_ALL=true: every authenticated caller may register and deregister anything');
  }
  if (config.aws.roleDurationSeconds > ROLE_CHAINING_MAX_SECONDS) {
    warnings.push(
      `REDSHIFT_ROLE_DURATION_SECONDS=${config.aws.roleDurationSeconds}: AWS refuses sessions over ${ROLE_CHAINING_MAX_SECONDS} s when the base credentials are themselves a role's (ECS, EKS, EC2: role chaining); AssumeRole will then fail`,
    );
  }
  return warnings;
}

/** Entries are `name<separator>sha256hex`; the error names the entry's position, never its text. */
function parseApiKeys(
  variable: string,
  entries: readonly string[],
  separator: string | RegExp,
  problems: string[],
): ApiKeyDigest[] {
  const keys: ApiKeyDigest[] = [];
  entries.forEach((entry, index) => {
    const [name, digest, ...rest] = entry.trim().split(separator);
    if (
      name === undefined ||
      digest === undefined ||
      rest.length > 0 ||
      !API_KEY_NAME.test(name) ||
      !SHA256_HEX.test(digest)
    ) {
      problems.push(
        `${variable} entry ${index + 1} must be a name (letters, digits, ._-) and a 64-digit hex SHA-256 digest`,
      );
      return;
    }
    keys.push({ name, digest: Buffer.from(digest, 'hex') });
  });
  return keys;
}

function readPolicy(path: string, readTextFile: ReadTextFile, problems: string[]): AccessPolicy {
  let text: string;
  try {
    text = readTextFile(path);
  } catch (error) {
    problems.push(`AUTHZ_POLICY_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return ALLOW_ALL;
  }
  try {
    return parseAccessPolicy(parseYaml(text));
  } catch (error) {
    const reason = error instanceof AccessPolicyError ? error.message : 'is not valid YAML or JSON';
    problems.push(`AUTHZ_POLICY_FILE: ${reason}`);
    return ALLOW_ALL;
  }
}

function checkUnique(keys: readonly ApiKeyDigest[], problems: string[]): void {
  const names = new Set<string>();
  const digests = new Set<string>();
  for (const key of keys) {
    if (names.has(key.name)) problems.push(`API key name '${key.name}' is listed twice`);
    if (digests.has(key.digest.toString('hex'))) problems.push(`API key '${key.name}' has the digest of another key`);
    names.add(key.name);
    digests.add(key.digest.toString('hex'));
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value) && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
