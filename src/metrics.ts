import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { GATEWAY_COMMIT, GATEWAY_VERSION } from './version';

/** The gateway's Prometheus metrics, on a registry of their own. Label values are bounded. */
export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'method' | 'route' | 'status' | 'caller'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status' | 'caller'>;
  readonly httpInFlight: Gauge;
  readonly upstreamCalls: Counter<'target' | 'operation' | 'outcome' | 'code'>;
  readonly upstreamDuration: Histogram<'target' | 'operation' | 'outcome'>;
  readonly assumeRoleCalls: Counter<'target' | 'outcome'>;
  readonly credentialRefreshes: Counter<'target'>;
  readonly credentialsRefused: Counter<'target' | 'code'>;
  readonly registrationWaits: Counter<'action' | 'outcome'>;
  readonly registrationWaitDuration: Histogram<'action' | 'outcome'>;
  readonly rateLimitLocalFallbacks: Counter;
  readonly budgetTokens: Counter<'target' | 'family'>;
  readonly budgetWait: Histogram<'target' | 'family'>;
  readonly budgetRefusals: Counter<'target' | 'family' | 'reason'>;
  readonly budgetThrottles: Counter<'target' | 'family'>;
  readonly budgetLocalFallbacks: Counter;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  new Gauge({
    name: 'gateway_build_info',
    help: 'Always 1; its labels say which version and commit run, on which Node.js.',
    labelNames: ['version', 'commit', 'node'],
    registers,
  }).set({ version: GATEWAY_VERSION, commit: GATEWAY_COMMIT, node: process.version }, 1);
  return {
    registry,
    httpRequests: new Counter({
      name: 'gateway_http_requests_total',
      help: 'HTTP requests answered, by method, route template, status and caller.',
      labelNames: ['method', 'route', 'status', 'caller'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'gateway_http_request_duration_seconds',
      help: 'Time from request to answer, by method, route template, status and caller.',
      labelNames: ['method', 'route', 'status', 'caller'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    httpInFlight: new Gauge({
      name: 'gateway_http_requests_in_flight',
      help: 'HTTP requests being served.',
      registers,
    }),
    upstreamCalls: new Counter({
      name: 'gateway_upstream_calls_total',
      help: 'Calls to Redshift, by target (of the targets configured), operation, outcome (ok or error) and AWS error code.',
      labelNames: ['target', 'operation', 'outcome', 'code'],
      registers,
    }),
    upstreamDuration: new Histogram({
      name: 'gateway_upstream_call_duration_seconds',
      help: 'Duration of calls to Redshift, retries included, by target, operation and outcome.',
      labelNames: ['target', 'operation', 'outcome'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    assumeRoleCalls: new Counter({
      name: 'gateway_sts_assume_role_calls_total',
      help: 'STS AssumeRole calls, by target and outcome (ok or error).',
      labelNames: ['target', 'outcome'],
      registers,
    }),
    credentialRefreshes: new Counter({
      name: 'gateway_credential_refreshes_total',
      help: 'Assumed-role credentials replaced before they expired, by target.',
      labelNames: ['target'],
      registers,
    }),
    credentialsRefused: new Counter({
      name: 'gateway_credentials_refused_total',
      help: 'Calls whose cached role credentials AWS refused (expired or revoked session), by target and AWS error code; each drops the credentials, assumes the role again and resends the call once.',
      labelNames: ['target', 'code'],
      registers,
    }),
    registrationWaits: new Counter({
      name: 'gateway_registration_waits_total',
      help: 'Changes asked with Prefer: wait, by action and outcome (completed, timed-out, interrupted, status-unreadable, failed).',
      labelNames: ['action', 'outcome'],
      registers,
    }),
    registrationWaitDuration: new Histogram({
      name: 'gateway_registration_wait_duration_seconds',
      help: 'Time a change asked with Prefer: wait took, the change and the waiting included, by action and outcome.',
      labelNames: ['action', 'outcome'],
      buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300, 900],
      registers,
    }),
    rateLimitLocalFallbacks: new Counter({
      name: 'gateway_rate_limit_local_fallbacks_total',
      help: 'Requests whose rate limit was counted in this replica because Redis (REDIS_URL) did not answer.',
      registers,
    }),
    budgetTokens: new Counter({
      name: 'gateway_aws_budget_tokens_total',
      help: 'Tokens of the AWS API budget granted, by target and API family (write, read).',
      labelNames: ['target', 'family'],
      registers,
    }),
    budgetWait: new Histogram({
      name: 'gateway_aws_budget_wait_seconds',
      help: 'Time a call waited for its AWS API budget token, by target and API family.',
      labelNames: ['target', 'family'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    }),
    budgetRefusals: new Counter({
      name: 'gateway_aws_budget_refusals_total',
      help: 'Calls refused a token of the AWS API budget (503 before any AWS call), by target, API family and reason (deadline: none in time; full: too many waiting; shutdown).',
      labelNames: ['target', 'family', 'reason'],
      registers,
    }),
    budgetThrottles: new Counter({
      name: 'gateway_aws_throttles_total',
      help: 'Budgeted calls that AWS still answered with throttling (each slows the bucket for 10 s), by target and API family.',
      labelNames: ['target', 'family'],
      registers,
    }),
    budgetLocalFallbacks: new Counter({
      name: 'gateway_aws_budget_local_fallbacks_total',
      help: "Tokens reserved from this replica's share of the AWS API budget because Redis (REDIS_URL) did not answer.",
      registers,
    }),
  };
}
