import { createHash } from 'node:crypto';
import bytes from 'bytes';
import { z } from 'zod';

// Every environment variable the gateway reads, once: how it is parsed, its default, what it means
// and the value a local run on the emulator uses. `loadConfig` parses from this table;
// `npm run docs:generate` writes docs/configuration.md and .env.example from it.

export const SECTIONS = {
  http: 'HTTP server',
  callers: 'Callers (authentication)',
  authz: 'What callers may do',
  limits: 'Limits, waiting and idempotency',
  aws: 'AWS',
  upstream: 'Calls to AWS',
  tracing: 'Tracing (OpenTelemetry)',
} as const;
export type Section = keyof typeof SECTIONS;

export interface Variable<S extends z.ZodType = z.ZodType, P extends string = string> {
  readonly section: Section;
  /** What it means, for the docs and `.env.example`; one paragraph. */
  readonly doc: string;
  readonly schema: S;
  /** The value, as written in the environment, when the variable is unset. */
  readonly default?: string;
  /** Set in `.env.example`: the value for a local run against `npm run emulator`. */
  readonly local?: string;
  /**
   * Where the parsed value goes in Config (`aws.timeoutMs`, or `port` at the top): Config's type is
   * derived from these paths (config/shape.ts). Without one, the value only feeds a derived setting.
   */
  readonly path?: P;
}

const variable = <S extends z.ZodType, const P extends string = never>(
  section: Section,
  doc: string,
  schema: S,
  options: { default?: string; local?: string; path?: P } = {},
): Variable<S, P> => ({ section, doc, schema, ...options });

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const RETRY_MODES = ['standard', 'adaptive'] as const;
export type RetryMode = (typeof RETRY_MODES)[number];

// The samplers of the OpenTelemetry specification that need no remote service.
const TRACE_SAMPLERS = [
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
  'always_on',
  'always_off',
  'traceidratio',
] as const;
export type TraceSampler = (typeof TRACE_SAMPLERS)[number];
// OTLP over HTTP; gRPC would add a second transport (and @grpc/grpc-js) for no gain over a collector.
const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

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

const required = (example: string) => z.string({ error: `is required (such as ${example})` }).trim();

const endpointUrl = optionalText.pipe(
  z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).optional(),
);

const otlpProtocol = optionalText.pipe(
  z.enum(OTLP_PROTOCOLS, { error: `must be one of ${OTLP_PROTOCOLS.join(', ')} (gRPC is not supported)` }).optional(),
);

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''], { error: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1');

const byteSize = z.string().transform((value, ctx) => {
  const parsed = bytes.parse(value);
  if (parsed === null || !Number.isFinite(parsed) || parsed < 1 || parsed > 1024 * 1024) {
    ctx.addIssue({ code: 'custom', message: 'must be a size from 1b to 1mb, such as 16kb' });
    return z.NEVER;
  }
  return parsed;
});

const originList = optionalText.pipe(
  z
    .string()
    .transform((value) => value.split(',').map((origin) => origin.trim()))
    .pipe(
      z.array(
        z
          .url({ protocol: /^https?$/, error: 'must be a comma-separated list of http(s) origins' })
          // A browser's Origin is scheme, host and port only: an entry with a path would never match.
          .refine((entry) => new URL(entry).origin === entry, {
            error: 'must list origins only (scheme, host and optional port, such as https://app.example.com), no path',
          }),
      ),
    )
    .optional(),
);

/** The emulator's address for `npm run emulator`, and the digest of `npm run local`'s development key. */
const LOCAL_EMULATOR_URL = 'http://127.0.0.1:4599';
export const LOCAL_API_KEY = 'local-dev-key';
/** Where the image expects the access policy (a ConfigMap or a bind mount). */
export const DEFAULT_POLICY_PATH = '/etc/redshift-namespace-gateway/policy.yaml';

export const VARIABLES = {
  // --- HTTP server ---
  PORT: variable('http', 'Port to listen on; 0 picks a free one.', integer(0, 65535), {
    default: '8080',
    path: 'port',
  }),
  HOST: variable('http', 'Address to listen on.', z.string().trim().min(1, 'must not be empty'), {
    default: '0.0.0.0',
    local: '127.0.0.1',
    path: 'host',
  }),
  SHUTDOWN_TIMEOUT_MS: variable(
    'http',
    'On SIGTERM or SIGINT, how long requests in flight may take to finish before they are answered 503 (0 to 600000 ms).',
    integer(0, 600000),
    { default: '25000', path: 'shutdownTimeoutMs' },
  ),
  LOG_LEVEL: variable(
    'http',
    `Log level: ${LOG_LEVELS.join(', ')}.`,
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }),
    { default: 'info', path: 'logLevel' },
  ),
  BODY_LIMIT: variable(
    'http',
    'Largest accepted request body, in bytes or with a unit (16kb), at most 1mb; larger bodies get 413.',
    byteSize,
    { default: '16kb', path: 'http.bodyLimitBytes' },
  ),
  TRUST_PROXY: variable(
    'http',
    'Reverse-proxy hops in front of the gateway whose X-Forwarded-For is believed (0 to 10); 0 believes none.',
    integer(0, 10),
    { default: '0', path: 'http.trustProxyHops' },
  ),
  JSON_MAX_DEPTH: variable(
    'http',
    'Deepest nesting of the JSON body, objects and arrays (2 to 64); deeper bodies get 400.',
    integer(2, 64),
    { default: '8', path: 'http.jsonMaxDepth' },
  ),
  CORS_ORIGINS: variable(
    'http',
    'Browser origins allowed by CORS, comma-separated (scheme, host and port only: no path); empty sends no CORS headers at all.',
    originList,
  ),
  HTTP_HEADERS_TIMEOUT_MS: variable(
    'http',
    'A client must send its request headers within this time (1000 to 120000 ms, not above HTTP_REQUEST_TIMEOUT_MS); a slower socket is answered 408 and closed.',
    integer(1000, 120000),
    { default: '10000', path: 'http.headersTimeoutMs' },
  ),
  HTTP_REQUEST_TIMEOUT_MS: variable(
    'http',
    'A client must send its whole request within this time (1000 to 600000 ms); a slower socket is answered 408 and closed.',
    integer(1000, 600000),
    { default: '30000', path: 'http.requestTimeoutMs' },
  ),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: variable(
    'http',
    'How long an idle kept-alive connection stays open (1000 to 600000 ms). Keep it above the idle timeout of a load balancer in front (60 s on AWS ALB), so that the balancer closes first.',
    integer(1000, 600000),
    { default: '65000', path: 'http.keepAliveTimeoutMs' },
  ),
  HTTP_MAX_CONNECTIONS: variable(
    'http',
    'Open connections at most (1 to 100000); more are refused.',
    integer(1, 100000),
    { default: '1024', path: 'http.maxConnections' },
  ),
  METRICS_TOKEN: variable(
    'http',
    'When set (16 characters at least), GET /metrics wants `Authorization: Bearer <METRICS_TOKEN>`; open when empty.',
    optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    { path: 'http.metricsToken' },
  ),

  // --- Callers ---
  API_KEYS: variable(
    'callers',
    `API keys as \`name:sha256hex\` pairs, comma-separated; make a digest with \`printf %s "$KEY" | sha256sum\`. The local value admits the key \`${LOCAL_API_KEY}\` as \`local-developer\`.`,
    optionalText,
    { local: `local-developer:${createHash('sha256').update(LOCAL_API_KEY).digest('hex')}` },
  ),
  API_KEYS_FILE: variable(
    'callers',
    'A file with one `name sha256hex` per line (`#` comments allowed), read at start; may be set beside API_KEYS.',
    optionalText,
  ),
  AUTH_DISABLED: variable(
    'callers',
    'true admits every caller without a credential (a warning is logged at every start).',
    booleanFlag,
    { default: 'false', path: 'auth.disabled' },
  ),
  JWT_ISSUER: variable(
    'callers',
    'OIDC callers: the issuer (`iss`) of their JWTs. JWT_ISSUER, JWT_AUDIENCE and JWT_JWKS_URL are set together or not at all.',
    optionalText,
  ),
  JWT_AUDIENCE: variable('callers', 'The audience (`aud`) the JWTs must name.', optionalText),
  JWT_JWKS_URL: variable('callers', "The issuer's JWKS (http or https URL) that signs the JWTs.", endpointUrl),
  JWT_IDENTITY_CLAIM: variable(
    'callers',
    'The JWT claim that names the caller.',
    z.string().trim().min(1, 'must not be empty'),
    { default: 'sub' },
  ),
  JWT_GROUPS_CLAIM: variable(
    'callers',
    'The JWT claim that lists the caller’s groups.',
    z.string().trim().min(1, 'must not be empty'),
    { default: 'groups' },
  ),
  JWT_ALGORITHMS: variable(
    'callers',
    `Accepted signature algorithms, comma-separated, of ${JWT_ALGORITHMS.join(', ')} (never none).`,
    z
      .string()
      .transform((value) => value.split(',').map((alg) => alg.trim()))
      .pipe(z.array(z.enum(JWT_ALGORITHMS, { error: `must list algorithms of ${JWT_ALGORITHMS.join(', ')}` })).min(1)),
    { default: 'RS256' },
  ),
  JWT_CLOCK_TOLERANCE_SECONDS: variable(
    'callers',
    'Clock skew allowed on `exp` and `nbf` (0 to 300 s).',
    integer(0, 300),
    { default: '30' },
  ),
  JWT_MAX_AGE_SECONDS: variable(
    'callers',
    'Oldest token accepted by its `iat`, whatever its `exp` says (60 to 604800 s). Tokens must carry `exp` and `iat`.',
    integer(60, 604800),
    { default: '86400' },
  ),

  // --- What callers may do ---
  AUTHZ_POLICY_FILE: variable(
    'authz',
    'The access policy, YAML or JSON (docs/security.md); the image expects it mounted at the default path. Ignored with AUTHZ_ALLOW_ALL=true. The local value is the policy of `npm run local`.',
    optionalText,
    { default: DEFAULT_POLICY_PATH, local: 'test/emulator/local-policy.yaml' },
  ),
  AUTHZ_ALLOW_ALL: variable(
    'authz',
    'true lets every authenticated caller do everything (a warning is logged at every start).',
    booleanFlag,
    { default: 'false', path: 'authz.allowAll' },
  ),

  // --- Limits, waiting and idempotency ---
  RATE_LIMIT_PER_MINUTE: variable(
    'limits',
    'Requests per caller per minute (1 to 100000); more get 429 with Retry-After.',
    integer(1, 100000),
    { default: '60', path: 'limits.ratePerMinute' },
  ),
  MAX_CONCURRENT_UPSTREAM: variable(
    'limits',
    'Calls to AWS in flight at once (1 to 1024); more get 503 with Retry-After at once, never a queue.',
    integer(1, 1024),
    { default: '32', path: 'limits.maxConcurrentUpstream' },
  ),
  REGISTRATION_WAIT_MAX_SECONDS: variable(
    'limits',
    '`Prefer: wait=<seconds>` on a change waits at most this long (0 to 900 s; 0 turns waiting off).',
    integer(0, 900),
    { default: '120', path: 'waiting.maxWaitSeconds' },
  ),
  REGISTRATION_MAX_WAITING: variable(
    'limits',
    'Requests waiting at once at most (1 to 10000); more get 503 with Retry-After.',
    integer(1, 10000),
    { default: '100', path: 'waiting.maxWaiting' },
  ),
  IDEMPOTENCY_TTL_SECONDS: variable(
    'limits',
    "How long an Idempotency-Key's answer is kept (60 to 604800 s).",
    integer(60, 604800),
    { default: '86400', path: 'idempotency.ttlSeconds' },
  ),
  IDEMPOTENCY_MAX_ENTRIES: variable(
    'limits',
    'Idempotency records kept in memory at most, without REDIS_URL (100 to 1000000); the oldest completed go first, a request in flight is never evicted.',
    integer(100, 1000000),
    { default: '10000', path: 'idempotency.maxEntries' },
  ),
  IDEMPOTENCY_MAX_ENTRIES_PER_CALLER: variable(
    'limits',
    "Of those, at most this many belong to one caller (10 to 1000000), so that no caller can push out another's records.",
    integer(10, 1000000),
    { default: '1000' },
  ),
  REDIS_URL: variable(
    'limits',
    'Redis (redis:// or rediss://) shared by the replicas: Idempotency-Key records and the per-caller rate limit live there. Empty keeps both in this process.',
    optionalText.pipe(z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional()),
    { path: 'idempotency.redisUrl' },
  ),
  AUDIT_LOG_FILE: variable(
    'limits',
    'Audit events (one per change or status read) go to this file; empty means stdout.',
    optionalText,
    { path: 'auditLogFile' },
  ),

  // --- AWS ---
  AWS_REGION: variable(
    'aws',
    'Region of the Redshift clusters and namespaces (required); one this SDK version knows.',
    required('eu-west-1').regex(/^[a-z]{2,4}(-[a-z]+)+-\d+$/, 'must be an AWS region such as eu-west-1'),
    { local: 'us-east-1', path: 'aws.region' },
  ),
  REDSHIFT_ROLE_ARN: variable(
    'aws',
    'The role the gateway assumes for every Redshift call (required; deploy/aws holds its policies).',
    required('arn:aws:iam::111122223333:role/name').regex(
      /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
      'must be an IAM role ARN such as arn:aws:iam::111122223333:role/name',
    ),
    { local: 'arn:aws:iam::111122223333:role/redshift-namespace-registrar', path: 'aws.roleArn' },
  ),
  // Character set and lengths are those of STS AssumeRole.
  REDSHIFT_ROLE_EXTERNAL_ID: variable(
    'aws',
    "The external id the role's trust policy requires, if any.",
    optionalText.pipe(
      z
        .string()
        .regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2 to 1224 characters of letters, digits and +=,.@:/-')
        .optional(),
    ),
    { path: 'aws.roleExternalId' },
  ),
  REDSHIFT_ROLE_SESSION_NAME: variable(
    'aws',
    "The session name CloudTrail shows for the gateway's calls.",
    z
      .string()
      .trim()
      .regex(/^[\w+=,.@-]{2,64}$/, 'must be 2 to 64 characters of letters, digits and +=,.@-'),
    { default: 'redshift-namespace-gateway', path: 'aws.roleSessionName' },
  ),
  REDSHIFT_ROLE_DURATION_SECONDS: variable(
    'aws',
    "Lifetime of the assumed credentials (900 to 43200 s), refreshed 5 minutes before expiry. At most 3600 when the base credentials are themselves a role's (ECS, EKS, EC2: role chaining): AWS refuses longer chained sessions, and the gateway warns at start above 3600.",
    integer(900, 43200),
    { default: '3600', path: 'aws.roleDurationSeconds' },
  ),
  AWS_ENDPOINT_URL: variable(
    'aws',
    "Endpoint override (the SDK's standard name) for Redshift, Redshift Serverless and STS unless the service's own variable is set; empty means AWS's own endpoints.",
    endpointUrl,
    { local: LOCAL_EMULATOR_URL },
  ),
  AWS_ENDPOINT_URL_REDSHIFT: variable('aws', 'Endpoint override for Redshift.', endpointUrl),
  AWS_ENDPOINT_URL_STS: variable('aws', 'Endpoint override for STS.', endpointUrl),
  AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS: variable('aws', 'Endpoint override for Redshift Serverless.', endpointUrl),
  AWS_USE_FIPS_ENDPOINT: variable('aws', 'true uses FIPS endpoints.', booleanFlag, {
    default: 'false',
    path: 'aws.useFipsEndpoint',
  }),
  AWS_USE_DUALSTACK_ENDPOINT: variable('aws', 'true uses dual-stack (IPv6) endpoints.', booleanFlag, {
    default: 'false',
    path: 'aws.useDualstackEndpoint',
  }),
  AWS_RETRY_MODE: variable(
    'aws',
    "The SDK's retry mode for every AWS client: standard, or adaptive (client-side rate limiting too).",
    z.enum(RETRY_MODES, { error: `must be one of ${RETRY_MODES.join(', ')}` }),
    { default: 'standard', path: 'aws.retryMode' },
  ),
  // The SDK warns about app ids over 50 characters.
  AWS_SDK_UA_APP_ID: variable(
    'aws',
    "App id in the user agent of every AWS call, so that CloudTrail tells the gateway's calls apart; at most 50 characters. Empty means `redshift-namespace-gateway/<version>`.",
    optionalText.pipe(
      z
        .string()
        .regex(/^[\w.@/:+=-]{1,50}$/, 'must be 1 to 50 characters of letters, digits and ._@/:+=-')
        .optional(),
    ),
  ),

  // --- Calls to AWS ---
  UPSTREAM_TIMEOUT_MS: variable(
    'upstream',
    'Overall deadline of one AWS call, retries and back-off included (100 to 120000 ms); past it the caller gets 504.',
    integer(100, 120000),
    { default: '10000', path: 'aws.timeoutMs' },
  ),
  UPSTREAM_CONNECT_TIMEOUT_MS: variable(
    'upstream',
    'Time allowed to open a connection to AWS, per attempt (50 to 60000 ms).',
    integer(50, 60000),
    { default: '3000', path: 'aws.connectTimeoutMs' },
  ),
  UPSTREAM_ATTEMPT_TIMEOUT_MS: variable(
    'upstream',
    "Time allowed for one attempt's answer (50 to 120000 ms); a slower attempt is aborted and retried. Empty: derived as (UPSTREAM_TIMEOUT_MS − the SDK's worst-case back-off) / UPSTREAM_MAX_ATTEMPTS, 2333 ms with the defaults. When set, attempts × this + back-off must fit in UPSTREAM_TIMEOUT_MS.",
    optionalText.pipe(integer(50, 120000).optional()),
  ),
  UPSTREAM_MAX_ATTEMPTS: variable(
    'upstream',
    'Attempts per call, the first included (1 to 10); throttling, 5xx, timeouts and dropped connections are retried.',
    integer(1, 10),
    { default: '3', path: 'aws.maxAttempts' },
  ),
  UPSTREAM_MAX_SOCKETS: variable(
    'upstream',
    'Keep-alive sockets to AWS at most, per endpoint (1 to 1024).',
    integer(1, 1024),
    { default: '50', path: 'aws.maxSockets' },
  ),

  // --- Tracing (OpenTelemetry) ---
  // The standard OTEL_* variables that decide whether and where the gateway traces. The SDK itself reads
  // the rest of the standard ones (headers, timeout, certificates, resource attributes, batching).
  OTEL_SDK_DISABLED: variable('tracing', 'true turns tracing off whatever else is set.', booleanFlag, {
    default: 'false',
  }),
  OTEL_TRACES_EXPORTER: variable(
    'tracing',
    'otlp exports spans when an endpoint is set; none turns tracing off.',
    z.enum(['otlp', 'none'], { error: 'must be otlp or none' }),
    { default: 'otlp' },
  ),
  OTEL_EXPORTER_OTLP_ENDPOINT: variable(
    'tracing',
    'Base URL of an OTLP/HTTP collector (such as http://otel-collector:4318); spans go to its /v1/traces. Tracing is off unless this or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set.',
    endpointUrl,
  ),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: variable(
    'tracing',
    'Full URL spans are sent to, used as given; wins over OTEL_EXPORTER_OTLP_ENDPOINT.',
    endpointUrl,
  ),
  OTEL_EXPORTER_OTLP_PROTOCOL: variable(
    'tracing',
    `How spans are encoded: ${OTLP_PROTOCOLS.join(' or ')}.`,
    otlpProtocol,
    { default: 'http/protobuf' },
  ),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: variable(
    'tracing',
    'The same for traces alone; wins over OTEL_EXPORTER_OTLP_PROTOCOL.',
    otlpProtocol,
  ),
  OTEL_SERVICE_NAME: variable(
    'tracing',
    "The `service.name` of the gateway's spans; wins over one in OTEL_RESOURCE_ATTRIBUTES.",
    optionalText,
    { default: 'redshift-namespace-gateway' },
  ),
  OTEL_TRACES_SAMPLER: variable(
    'tracing',
    `Which traces are kept: ${TRACE_SAMPLERS.join(', ')}. The parent-based ones follow the caller's sampled flag.`,
    z.enum(TRACE_SAMPLERS, { error: `must be one of ${TRACE_SAMPLERS.join(', ')}` }),
    { default: 'parentbased_always_on' },
  ),
  OTEL_TRACES_SAMPLER_ARG: variable(
    'tracing',
    'The ratio of traces kept by the traceidratio samplers, from 0 to 1.',
    optionalText.pipe(
      z
        .string()
        .regex(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/, 'must be a number from 0 to 1')
        .transform(Number)
        .optional(),
    ),
  ),
} satisfies Record<string, Variable>;

export type VariableName = keyof typeof VARIABLES;

/** The parsed value of every variable, typed by its schema. */
export type EnvValues = { -readonly [K in VariableName]: z.output<(typeof VARIABLES)[K]['schema']> };
