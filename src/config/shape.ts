import type { ApiKeyDigest } from '../http/auth/api-keys';
import type { JwtOptions } from '../http/auth/jwt-verifier';
import type { AccessPolicy } from '../domain/access-policy';
import type { EnvValues, OtlpProtocol, TraceSampler, VARIABLES } from './variables';

// The type of the configuration, derived from the variable table: a variable with `path:
// 'aws.timeoutMs'` is `config.aws.timeoutMs`, typed by its parser. Adding a variable is one entry in
// config/variables.ts. The settings computed from several variables (or from a file) are typed here.

type Name = keyof typeof VARIABLES;
// A variable without a path has `string` for it (inferred from the table's annotation): no path.
type PathOf<N extends Name> = (typeof VARIABLES)[N] extends { readonly path?: infer P }
  ? string extends P
    ? never
    : NonNullable<P>
  : never;
// Helpers over a naked type parameter, so that `never` (no path) stays `never`.
type SectionOf<P> = P extends `${infer S}.${string}` ? S : never;
type TopKey<P> = P extends `${string}.${string}` ? never : P;
type KeyIn<P, S extends string> = P extends `${S}.${infer K}` ? K : never;

type SectionName = { [N in Name]: SectionOf<PathOf<N>> }[Name];
type TopLevel = { readonly [N in Name as TopKey<PathOf<N>>]: EnvValues[N] };
type Section<S extends string> = { readonly [N in Name as KeyIn<PathOf<N>, S>]: EnvValues[N] };

/** The settings the table gives directly. */
export type TableConfig = TopLevel & { readonly [S in SectionName]: Section<S> };

/** The settings computed in loadConfig from several variables, or from a file. */
export interface DerivedConfig {
  readonly http: {
    /** Origins allowed by CORS (CORS_ORIGINS); empty means no CORS headers at all. */
    readonly corsOrigins: readonly string[];
  };
  readonly auth: {
    /** From API_KEYS and API_KEYS_FILE. */
    readonly apiKeys: readonly ApiKeyDigest[];
    /** From the JWT_* variables, when JWT callers are configured. */
    readonly jwt: JwtOptions | undefined;
  };
  readonly authz: {
    /** Read from AUTHZ_POLICY_FILE, or allow-all with AUTHZ_ALLOW_ALL=true. */
    readonly policy: AccessPolicy;
  };
  readonly idempotency: {
    /** IDEMPOTENCY_MAX_ENTRIES_PER_CALLER, at most IDEMPOTENCY_MAX_ENTRIES. */
    readonly maxEntriesPerCaller: number;
  };
  readonly aws: {
    /** The service's own AWS_ENDPOINT_URL_*, else AWS_ENDPOINT_URL, else AWS's. */
    readonly redshiftEndpoint: string | undefined;
    readonly stsEndpoint: string | undefined;
    readonly serverlessEndpoint: string | undefined;
    /** AWS_SDK_UA_APP_ID, else `redshift-namespace-gateway/<version>`. */
    readonly userAgentAppId: string;
    /** UPSTREAM_ATTEMPT_TIMEOUT_MS, or derived so that every attempt and the back-off fit the deadline. */
    readonly attemptTimeoutMs: number;
  };
  /**
   * Set when tracing is on: an OTLP endpoint is configured, and neither OTEL_SDK_DISABLED=true nor
   * OTEL_TRACES_EXPORTER=none turns it off.
   */
  readonly tracing: TracingOptions | undefined;
}

/** From the OTEL_* variables. */
export interface TracingOptions {
  /** OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT + `/v1/traces`. */
  readonly tracesUrl: string;
  readonly protocol: OtlpProtocol;
  readonly serviceName: string;
  readonly sampler: TraceSampler;
  /** For the traceidratio samplers; 1 unless OTEL_TRACES_SAMPLER_ARG says otherwise. */
  readonly samplerRatio: number;
}

type Merged<A, B> = {
  readonly [K in keyof A | keyof B]: K extends keyof A
    ? K extends keyof B
      ? A[K] & B[K]
      : A[K]
    : K extends keyof B
      ? B[K]
      : never;
};

/** The gateway's configuration, parsed from the environment once. */
export type Config = Merged<TableConfig, DerivedConfig>;
