import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { worstCaseBackoffMs } from '../aws/retry-budget';
import { ALLOW_ALL, AccessPolicyError, parseAccessPolicy, type AccessPolicy } from '../domain/access-policy';
import { duplicateKeyProblems, parseApiKeyEntries, type ApiKeyDigest } from '../http/auth/api-keys';
import type { JwtOptions } from '../http/auth/jwt-verifier';
import { GATEWAY_VERSION } from '../version';
import { misspeltVariables, unknownRegionProblem } from './near-misses';
import type { Config, TableConfig, TracingOptions } from './shape';
import { VARIABLES, type EnvValues, type Variable, type VariableName } from './variables';

export type { Config, TracingOptions } from './shape';

// AWS refuses a role-chained session (base credentials that are themselves a role's, as on ECS, EKS
// and EC2) longer than one hour.
const ROLE_CHAINING_MAX_SECONDS = 3600;
// An attempt shorter than this cannot reach AWS and back.
const MIN_ATTEMPT_TIMEOUT_MS = 100;

/** Thrown by loadConfig; its message names every problem of the configuration at once. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Every environment variable the gateway reads. */
export const CONFIG_VARIABLES = Object.keys(VARIABLES) as readonly VariableName[];

type Env = Readonly<Record<string, string | undefined>>;
type ReadTextFile = (path: string) => string;

/** Each variable parsed on its own, so that one bad variable does not hide the others. */
function parseVariables(env: Env, problems: string[]): { values: EnvValues; failed: ReadonlySet<VariableName> } {
  const values: Record<string, unknown> = {};
  const failed = new Set<VariableName>();
  for (const name of CONFIG_VARIABLES) {
    const { schema, default: fallback } = VARIABLES[name] as Variable;
    const parsed = schema.safeParse(env[name] ?? fallback);
    if (parsed.success) {
      values[name] = parsed.data;
    } else {
      failed.add(name);
      for (const issue of parsed.error.issues) problems.push(`${[name, ...issue.path].join('.')} ${issue.message}`);
    }
  }
  return { values: values as EnvValues, failed };
}

/**
 * Parses and checks the environment once, at start-up.
 * @throws ConfigError naming every problem at once: each bad variable, each misspelt one, each
 * setting that contradicts another, each file that cannot be read.
 */
export function loadConfig(
  env: Env = process.env,
  readTextFile: ReadTextFile = (path) => readFileSync(path, 'utf8'),
): Config {
  const problems: string[] = misspeltVariables(env, CONFIG_VARIABLES);
  const { values: e, failed } = parseVariables(env, problems);
  // A check across variables runs when each of them parsed; its problem would only repeat theirs.
  const parsed = (...names: VariableName[]) => names.every((name) => !failed.has(name));

  if (parsed('AWS_REGION')) {
    const regionProblem = unknownRegionProblem(e.AWS_REGION);
    if (regionProblem !== undefined) problems.push(regionProblem);
  }

  const apiKeys: ApiKeyDigest[] = [];
  if (e.API_KEYS !== undefined) {
    apiKeys.push(...parseApiKeyEntries('API_KEYS', e.API_KEYS.split(','), ':', problems));
  }
  if (e.API_KEYS_FILE !== undefined) {
    const text = readFileOrReport('API_KEYS_FILE', e.API_KEYS_FILE, readTextFile, problems);
    if (text !== undefined) {
      const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
      apiKeys.push(...parseApiKeyEntries('API_KEYS_FILE', lines, /\s+/, problems));
    }
  }
  problems.push(...duplicateKeyProblems(apiKeys));

  const jwtSettings = [e.JWT_ISSUER, e.JWT_AUDIENCE, e.JWT_JWKS_URL];
  let jwt: JwtOptions | undefined;
  // (A value of a variable that failed to parse is never used: its problem stops the start below.)
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
  } else if (jwtSettings.some((value) => value !== undefined) && parsed('JWT_JWKS_URL')) {
    problems.push('JWT_ISSUER, JWT_AUDIENCE and JWT_JWKS_URL must be set together');
  }
  const jwtAsked = jwtSettings.some((value) => value !== undefined) || failed.has('JWT_JWKS_URL');
  if (apiKeys.length === 0 && !jwtAsked && e.AUTH_DISABLED === false && parsed('API_KEYS', 'API_KEYS_FILE')) {
    problems.push(
      'API_KEYS, API_KEYS_FILE or JWT_ISSUER/JWT_AUDIENCE/JWT_JWKS_URL must admit someone (or set AUTH_DISABLED=true)',
    );
  }

  let policy: AccessPolicy = ALLOW_ALL;
  if (parsed('AUTHZ_ALLOW_ALL')) {
    if (e.AUTHZ_ALLOW_ALL) {
      // Set explicitly, not the default path.
      if (env.AUTHZ_POLICY_FILE) problems.push('AUTHZ_POLICY_FILE and AUTHZ_ALLOW_ALL=true exclude each other');
    } else if (e.AUTHZ_POLICY_FILE === undefined) {
      problems.push('AUTHZ_POLICY_FILE must name the access policy (or set AUTHZ_ALLOW_ALL=true)');
    } else {
      policy = readPolicy(e.AUTHZ_POLICY_FILE, readTextFile, problems);
    }
  }

  let attemptTimeoutMs = 0;
  if (parsed('UPSTREAM_MAX_ATTEMPTS', 'UPSTREAM_TIMEOUT_MS', 'UPSTREAM_ATTEMPT_TIMEOUT_MS')) {
    const backoffMs = worstCaseBackoffMs(e.UPSTREAM_MAX_ATTEMPTS);
    attemptTimeoutMs =
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
  }
  if (
    parsed('HTTP_HEADERS_TIMEOUT_MS', 'HTTP_REQUEST_TIMEOUT_MS') &&
    e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS
  ) {
    problems.push('HTTP_HEADERS_TIMEOUT_MS must not be more than HTTP_REQUEST_TIMEOUT_MS');
  }
  if (problems.length > 0) {
    const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
    // One line: a log pipeline keeps it as one event.
    throw new ConfigError(`invalid configuration (${count}): ${problems.join('; ')}`);
  }

  const table = fromTable(e);
  const config: Config = {
    ...table,
    http: { ...table.http, corsOrigins: e.CORS_ORIGINS ?? [] },
    auth: { ...table.auth, apiKeys, jwt },
    authz: { ...table.authz, policy },
    idempotency: {
      ...table.idempotency,
      maxEntriesPerCaller: Math.min(e.IDEMPOTENCY_MAX_ENTRIES_PER_CALLER, e.IDEMPOTENCY_MAX_ENTRIES),
    },
    aws: {
      ...table.aws,
      redshiftEndpoint: e.AWS_ENDPOINT_URL_REDSHIFT ?? e.AWS_ENDPOINT_URL,
      stsEndpoint: e.AWS_ENDPOINT_URL_STS ?? e.AWS_ENDPOINT_URL,
      serverlessEndpoint: e.AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS ?? e.AWS_ENDPOINT_URL,
      userAgentAppId: e.AWS_SDK_UA_APP_ID ?? `redshift-namespace-gateway/${GATEWAY_VERSION}`,
      attemptTimeoutMs,
    },
    tracing: tracingOptions(e),
  };
  return deepFreeze(config);
}

/** Tracing is on when spans have somewhere to go and nothing turns it off (the OTEL_* conventions). */
function tracingOptions(e: EnvValues): TracingOptions | undefined {
  const base = e.OTEL_EXPORTER_OTLP_ENDPOINT;
  const tracesUrl = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base && `${base.replace(/\/+$/, '')}/v1/traces`);
  if (tracesUrl === undefined || e.OTEL_SDK_DISABLED || e.OTEL_TRACES_EXPORTER === 'none') return undefined;
  return {
    tracesUrl,
    protocol: e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? e.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
    serviceName: e.OTEL_SERVICE_NAME ?? 'redshift-namespace-gateway',
    sampler: e.OTEL_TRACES_SAMPLER,
    samplerRatio: e.OTEL_TRACES_SAMPLER_ARG ?? 1,
  };
}

/** Every variable with a `path`, put where its path says. */
function fromTable(values: EnvValues): TableConfig {
  const config: Record<string, unknown> = {};
  for (const name of CONFIG_VARIABLES) {
    const { path } = VARIABLES[name] as Variable;
    if (path === undefined) continue;
    const [section, key] = path.split('.') as [string, string | undefined];
    if (key === undefined) config[section] = values[name];
    else ((config[section] ??= {}) as Record<string, unknown>)[key] = values[name];
  }
  return config as TableConfig;
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

/** The file's text, or undefined with a problem naming the variable, the resolved path and the reason. */
function readFileOrReport(
  variable: string,
  path: string,
  readTextFile: ReadTextFile,
  problems: string[],
  hint?: string,
): string | undefined {
  try {
    return readTextFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    problems.push(`${variable} cannot be read: ${resolve(path)} (${code})${hint === undefined ? '' : `: ${hint}`}`);
    return undefined;
  }
}

function readPolicy(path: string, readTextFile: ReadTextFile, problems: string[]): AccessPolicy {
  const text = readFileOrReport(
    'AUTHZ_POLICY_FILE',
    path,
    readTextFile,
    problems,
    'mount the access policy there or set AUTHZ_POLICY_FILE',
  );
  if (text === undefined) return ALLOW_ALL;
  try {
    return parseAccessPolicy(parseYaml(text));
  } catch (error) {
    const reason = error instanceof AccessPolicyError ? error.message : 'is not valid YAML or JSON';
    problems.push(`AUTHZ_POLICY_FILE (${resolve(path)}): ${reason}`);
    return ALLOW_ALL;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value) && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
