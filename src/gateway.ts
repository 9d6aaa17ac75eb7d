import type { Express } from 'express';
import { createApp } from './app';
import { createAwsClients, type AwsClients } from './aws/clients';
import {
  createSdkNamespaceRegistry,
  type CredentialRefusal,
  type UpstreamCallRecord,
} from './aws/sdk-namespace-registry';
import { createSdkRegistrationStatusReader } from './aws/sdk-registration-status';
import type { Config } from './config';
import type { AuditLog } from './domain/audit';
import { createConcurrencyLimit, readerWithConcurrencyLimit, withConcurrencyLimit } from './domain/concurrency-limit';
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
import { awsSpans } from './tracing/aws-spans';
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
  /** Assumes the role now, so that readiness does not wait for the first request. */
  warmUp(): void;
  /** Releases the AWS clients' sockets and the stores; call after the HTTP server has closed. */
  destroy(): void;
}

/**
 * What a test may put in place of the production piece; everything else is built as in production.
 * The HTTP tests hand in AWS clients whose `send` they stub and a role with static credentials.
 */
export interface GatewayOverrides {
  readonly aws?: AwsClients;
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
  // and the AWS clients make a span per call and per attempt (tracing/aws-spans.ts).
  const tracing = config.tracing !== undefined;
  const auditLog = overrides.auditLog ?? createAuditLog(config.log.auditFile, undefined, { traced: tracing });
  const metrics = createMetrics();
  const inFlight = createInFlightRequests((size) => metrics.httpInFlight.set(size));
  let assumedOnce = false;

  const aws =
    overrides.aws ??
    createAwsClients(config.aws, config.upstream, {
      onAssumeRoleAttempt: (attempt) => {
        metrics.assumeRoleCalls.inc({ outcome: attempt.ok ? 'ok' : 'error' });
        if (attempt.ok) {
          if (assumedOnce) metrics.credentialRefreshes.inc();
          assumedOnce = true;
          logger.info({ roleArn: config.aws.roleArn, expiration: attempt.expiration }, 'role assumed');
        } else {
          logger.error({ roleArn: config.aws.roleArn, code: attempt.code }, 'role could not be assumed');
        }
      },
      ...(tracing && { instrument: awsSpans }),
    });
  const { redshift, serverless, role: assumedRole } = aws;
  const onCall = ({ operation, outcome, code, seconds }: UpstreamCallRecord) => {
    metrics.upstreamCalls.inc({ operation, outcome, code });
    metrics.upstreamDuration.observe({ operation, outcome }, seconds);
  };
  const onCredentialsRefused = ({ operation, code }: CredentialRefusal) => {
    metrics.credentialsRefused.inc({ code });
    logger.warn({ operation, code }, 'AWS refused the cached role credentials; assuming the role again');
  };
  const upstreamLimit = createConcurrencyLimit(config.upstream.maxConcurrent);
  const namespaceRegistry = withConcurrencyLimit(
    createSdkNamespaceRegistry({
      client: redshift,
      role: assumedRole,
      timeoutMs: config.upstream.timeoutMs,
      logger,
      onCall,
      onCredentialsRefused,
    }),
    upstreamLimit,
  );
  const statusReader = readerWithConcurrencyLimit(
    createSdkRegistrationStatusReader({
      redshift,
      serverless,
      role: assumedRole,
      timeoutMs: config.upstream.timeoutMs,
      onCall,
      onCredentialsRefused,
    }),
    upstreamLimit,
  );
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
    aws.destroy();
    void idempotencyStore.close();
    rateLimitStore?.shutdown();
  };
  const lifecycle = createLifecycle({
    inFlight,
    logger,
    shutdownTimeoutMs: config.server.shutdownTimeoutMs,
    // Requests waiting for a registration to take effect are answered at once (202 with Location).
    onDrain: () => waitingRoom.closeAll(),
    release: destroy,
  });

  const app = createApp({
    config: tracing
      ? { ...config, authz: { ...config.authz, policy: tracedAccessPolicy(config.authz.policy) } }
      : config,
    logger,
    contract: loadContract(),
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
        const state = assumedRole.readiness();
        // Probes never wait on STS; at most one background attempt every few seconds while unready.
        if (!state.ready) assumedRole.refreshInBackground();
        return state;
      },
    },
  });
  return { app, lifecycle, warmUp: () => assumedRole.refreshInBackground(), destroy };
}
