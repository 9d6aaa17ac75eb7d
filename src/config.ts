import { readFileSync } from 'node:fs';
import bytes from 'bytes';
import { z } from 'zod';

export interface ApiKeyDigest {
  /** The caller's name, used as its identity in logs. */
  readonly name: string;
  /** SHA-256 digest of the key, 32 bytes. */
  readonly digest: Buffer;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly logLevel: LogLevel;
  readonly http: {
    readonly bodyLimitBytes: number;
    /** Number of proxy hops in front of the gateway whose X-Forwarded-For is believed. */
    readonly trustProxyHops: number;
  };
  readonly auth: {
    readonly disabled: boolean;
    readonly apiKeys: readonly ApiKeyDigest[];
  };
  readonly aws: {
    readonly region: string;
    readonly roleArn: string;
    readonly roleExternalId: string | undefined;
    readonly roleSessionName: string;
    readonly roleDurationSeconds: number;
    readonly redshiftEndpoint: string | undefined;
    readonly stsEndpoint: string | undefined;
    readonly timeoutMs: number;
    readonly connectTimeoutMs: number;
    readonly attemptTimeoutMs: number;
    readonly maxAttempts: number;
    readonly maxSockets: number;
  };
}

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
  AWS_ENDPOINT_URL_REDSHIFT: endpointUrl,
  AWS_ENDPOINT_URL_STS: endpointUrl,
  UPSTREAM_TIMEOUT_MS: integer(100, 120000).default(10000),
  UPSTREAM_CONNECT_TIMEOUT_MS: integer(50, 60000).default(3000),
  UPSTREAM_ATTEMPT_TIMEOUT_MS: integer(50, 120000).default(5000),
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
  if (apiKeys.length === 0 && !e.AUTH_DISABLED) {
    problems.push('API_KEYS or API_KEYS_FILE must name at least one key (or set AUTH_DISABLED=true)');
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);

  return deepFreeze({
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    http: { bodyLimitBytes: e.BODY_LIMIT, trustProxyHops: e.TRUST_PROXY },
    auth: { disabled: e.AUTH_DISABLED, apiKeys },
    aws: {
      region: e.AWS_REGION,
      roleArn: e.REDSHIFT_ROLE_ARN,
      roleExternalId: e.REDSHIFT_ROLE_EXTERNAL_ID,
      roleSessionName: e.REDSHIFT_ROLE_SESSION_NAME,
      roleDurationSeconds: e.REDSHIFT_ROLE_DURATION_SECONDS,
      redshiftEndpoint: e.AWS_ENDPOINT_URL_REDSHIFT,
      stsEndpoint: e.AWS_ENDPOINT_URL_STS,
      timeoutMs: e.UPSTREAM_TIMEOUT_MS,
      connectTimeoutMs: e.UPSTREAM_CONNECT_TIMEOUT_MS,
      attemptTimeoutMs: e.UPSTREAM_ATTEMPT_TIMEOUT_MS,
      maxAttempts: e.UPSTREAM_MAX_ATTEMPTS,
      maxSockets: e.UPSTREAM_MAX_SOCKETS,
    },
  });
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
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
