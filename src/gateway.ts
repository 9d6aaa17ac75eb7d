import type { Express } from 'express';
import { createApp } from './app';
import type { AwsClients } from './aws/clients';
import { DEFAULT_TARGET, type AwsTarget } from './aws/settings';
import type { Config } from './config';
import type { AuditLog } from './domain/audit';
import type { NamespaceRegistry, RegistrationStatusReader } from './domain/ports';
import { createWaitingRoom } from './http/waiting-room';
import { loadContract } from './http/contract';
import { createMemoryIdempotencyStore } from './http/idempotency/memory-store';
import type { IdempotencyStore } from './http/idempotency/store';
import { createRedisIdempotencyStore } from './http/idempotency/redis-store';
import { createSharedRateLimitStore } from './http/middleware/shared-rate-limit-store';
import { createInFlightRequests } from './http/in-flight';
import { createLifecycle, type Lifecycle } from './lifecycle';
import { createAuditLog, type Logger } from './logger';
import { createMetrics } from './metrics';
import { createApiBudget, type ApiBudget } from './aws/budget/api-budget';
import { createRedisTokenBuckets } from './aws/budget/redis-token-bucket';
import { createLocalTokenBuckets } from './aws/budget/token-bucket';
import type { Metrics } from './metrics';
import { createTargetStacks } from './target-stacks';
import {
  tracedAccessPolicy,
  tracedIdempotencyStore,
  tracedStatusReader,
  tracedWaitingRoom,
} from './tracing/traced-ports';

export interface Gateway {
  readonly app: Express;
  /** Draining and shutdown. */
  readonly lifecycle: Lifecycle;
  /** Assumes the default target's role now, so that readiness does not wait for the first request. */
  warmUp(): void;
  /** Releases every target's AWS clients' sockets and the stores; call after the HTTP server has closed. */
  destroy(): void;
}

/**
 * What a test may put in place of the production piece; everything else is built as in production.
 * The HTTP tests hand in AWS clients whose `send` they stub and a role with static credentials.
 */
export interface GatewayOverrides {
  /** Each target's AWS clients. */
  readonly aws?: (target: AwsTarget) => AwsClients;
  readonly auditLog?: AuditLog;
  readonly idempotencyStore?: IdempotencyStore;
  /** Check every answer against the contract too. */
  readonly validateResponses?: boolean;
}

/**
 * The one wiring of the gateway: config → AWS clients → adapters → use cases → app, with its
 * lifecycle. main.ts, the integration tests and (with overrides) the HTTP tests all build it here.
 */
export function createGateway(config: Config, logger: Logger, overrides: GatewayOverrides = {}): Gateway {
  // With tracing on, the policy, the stores and the waiting are wrapped in spans (tracing/traced-ports.ts),
  // and the AWS clients make a span per call and per attempt (tracing/aws-spans.ts, target-stacks.ts).
  const tracing = config.tracing !== undefined;
  const auditLog = overrides.auditLog ?? createAuditLog(config.log.auditFile, undefined, { traced: tracing });
  const metrics = createMetrics();
  const inFlight = createInFlightRequests((size) => metrics.httpInFlight.set(size));

  const { budget, closeBuckets } = createBudget(config, logger, metrics);
  const targets = createTargetStacks({
    budget,
    aws: config.aws,
    upstream: config.upstream,
    logger,
    metrics,
    tracing,
    clients: overrides.aws,
  });
  // The use cases see one registry and one reader; each command goes to its target's.
  const namespaceRegistry: NamespaceRegistry = {
    register: (command, options) => targets.get(command.awsTarget).namespaceRegistry.register(command, options),
    deregister: (command, options) => targets.get(command.awsTarget).namespaceRegistry.deregister(command, options),
  };
  const statusReader: RegistrationStatusReader = {
    read: (command, options) => targets.get(command.awsTarget).statusReader.read(command, options),
  };
  const defaultTarget = config.aws.targets.some((target) => target.name === DEFAULT_TARGET)
    ? DEFAULT_TARGET
    : undefined;
  const waitingRoom = createWaitingRoom({
    ...config.waiting,
    onWaited: ({ action, outcome, seconds }) => {
      metrics.registrationWaits.inc({ action, outcome });
      metrics.registrationWaitDuration.observe({ action, outcome }, seconds);
    },
  });

  const times = {
    ttlMs: config.idempotency.ttlSeconds * 1000,
    // A claim outlives the longest a request can take (upstream, and waiting), with room to spare.
    claimTtlMs: Math.max(60_000, 2 * config.upstream.timeoutMs + config.waiting.maxWaitSeconds * 1000),
  };
  const idempotencyStore =
    overrides.idempotencyStore ??
    (config.idempotency.redisUrl
      ? createRedisIdempotencyStore({ url: config.idempotency.redisUrl, logger, ...times })
      : createMemoryIdempotencyStore({
          maxEntries: config.idempotency.maxEntries,
          maxEntriesPerOwner: config.idempotency.maxEntriesPerCaller,
          ...times,
        }));

  const rateLimitStore = config.idempotency.redisUrl
    ? createSharedRateLimitStore({
        url: config.idempotency.redisUrl,
        logger,
        onFallback: () => metrics.rateLimitLocalFallbacks.inc(),
      })
    : undefined;

  const destroy = () => {
    targets.destroy();
    void idempotencyStore.close();
    closeBuckets();
    rateLimitStore?.shutdown();
  };
  const lifecycle = createLifecycle({
    inFlight,
    logger,
    shutdownTimeoutMs: config.server.shutdownTimeoutMs,
    // Requests waiting for a registration to take effect are answered at once (202 with Location).
    // so are calls waiting for the AWS API budget (503: none was made).
    onDrain: () => {
      waitingRoom.closeAll();
      budget.closeAll();
    },
    release: destroy,
  });

  const app = createApp({
    config: tracing
      ? { ...config, authz: { ...config.authz, policy: tracedAccessPolicy(config.authz.policy) } }
      : config,
    logger,
    contract: loadContract(),
    targets: { names: config.aws.targets.map((target) => target.name), default: defaultTarget },
    // A quarter of a target's calls in flight, at most four: other requests keep their places.
    changesAtOnce: Math.max(1, Math.min(4, Math.floor(config.upstream.maxConcurrent / 4))),
    namespaceRegistry,
    statusReader: tracing ? tracedStatusReader(statusReader) : statusReader,
    waitingRoom: tracing ? tracedWaitingRoom(waitingRoom) : waitingRoom,
    auditLog,
    idempotencyStore: tracing
      ? tracedIdempotencyStore(idempotencyStore, config.idempotency.redisUrl ? 'redis' : 'memory')
      : idempotencyStore,
    rateLimitStore,
    metrics,
    inFlight,
    isDraining: () => lifecycle.isDraining(),
    validateResponses: overrides.validateResponses,
    traced: tracing,
    readiness: {
      check() {
        if (lifecycle.isDraining()) return { ready: false, reason: 'the gateway is shutting down' };
        // Only the default target's credentials, where there is one: the other targets' roles are
        // assumed on first use, and one target's STS outage must not take every replica out of service.
        if (defaultTarget === undefined) return { ready: true };
        const { role } = targets.get(defaultTarget);
        const state = role.readiness();
        // Probes never wait on STS; at most one background attempt every few seconds while unready.
        if (!state.ready) role.refreshInBackground();
        return state;
      },
    },
  });
  const warmUp = () => {
    if (defaultTarget !== undefined) targets.get(defaultTarget).role.refreshInBackground();
  };
  return { app, lifecycle, warmUp, destroy };
}

/** The AWS API budget: its buckets in Redis when REDIS_URL is set (and a rate is), else in this process. */
function createBudget(
  config: Config,
  logger: Logger,
  metrics: Metrics,
): { budget: ApiBudget; closeBuckets: () => void } {
  const budgeted = config.budget.writes !== undefined || config.budget.reads !== undefined;
  const redis =
    budgeted && config.idempotency.redisUrl
      ? createRedisTokenBuckets({
          url: config.idempotency.redisUrl,
          replicas: config.budget.replicas,
          logger,
          onFallback: () => metrics.budgetLocalFallbacks.inc(),
        })
      : undefined;
  if (budgeted && redis === undefined && config.budget.replicas > 1) {
    logger.info(
      { replicas: config.budget.replicas },
      'AWS API budget counted in this replica, at its share of the rates (no REDIS_URL)',
    );
  }
  const budget = createApiBudget({
    options: config.budget,
    buckets: redis ?? createLocalTokenBuckets(),
    shared: redis !== undefined,
    defaultMaxWaitMs: config.upstream.timeoutMs,
    events: {
      onGranted: ({ target, family, waitedSeconds }) => {
        metrics.budgetTokens.inc({ target, family });
        metrics.budgetWait.observe({ target, family }, waitedSeconds);
      },
      onRefused: ({ target, family, reason }) => metrics.budgetRefusals.inc({ target, family, reason }),
      onThrottled: ({ target, family }) => metrics.budgetThrottles.inc({ target, family }),
    },
  });
  return { budget, closeBuckets: () => redis?.close() };
}
