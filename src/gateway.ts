import type { Express } from 'express';
import { createApp } from './app';
import { createConfiguredRole, createRedshiftClient, createRequestHandler, createStsClient } from './aws/clients';
import { createSdkNamespaceRegistry } from './aws/sdk-namespace-registry';
import type { Config } from './config';
import type { AuditLog } from './domain/audit';
import { withConcurrencyLimit } from './domain/concurrency-limit';
import { loadContract } from './http/contract';
import { createMemoryIdempotencyStore } from './http/idempotency/memory-store';
import { createRedisIdempotencyStore } from './http/idempotency/redis-store';
import { createInFlightRequests, type InFlightRequests } from './http/in-flight';
import { createAuditLog, type Logger } from './logger';
import { createMetrics } from './metrics';

export interface Gateway {
  readonly app: Express;
  readonly inFlight: InFlightRequests;
  /** Turns readiness to 503 and asks clients to close their connections: the start of shutdown. */
  startDraining(): void;
  /** Assumes the role now, so that readiness does not wait for the first request. */
  warmUp(): void;
  /** Releases the AWS clients' sockets; call after the HTTP server has closed. */
  destroy(): void;
}

/** Wires the production pieces together: AWS clients → adapter → app. Used by main.ts and the integration tests. */
export function createGateway(
  config: Config,
  logger: Logger,
  auditLog: AuditLog = createAuditLog(config.auditLogFile),
): Gateway {
  const metrics = createMetrics();
  const inFlight = createInFlightRequests((size) => metrics.httpInFlight.set(size));
  let draining = false;
  let assumedOnce = false;

  const requestHandler = createRequestHandler(config.aws);
  const sts = createStsClient(config.aws, requestHandler);
  const assumedRole = createConfiguredRole(config.aws, sts, (attempt) => {
    metrics.assumeRoleCalls.inc({ outcome: attempt.ok ? 'ok' : 'error' });
    if (attempt.ok) {
      if (assumedOnce) metrics.credentialRefreshes.inc();
      assumedOnce = true;
      logger.info({ roleArn: config.aws.roleArn, expiration: attempt.expiration }, 'role assumed');
    } else {
      logger.error({ roleArn: config.aws.roleArn, code: attempt.code }, 'role could not be assumed');
    }
  });
  const redshift = createRedshiftClient(config.aws, requestHandler, assumedRole);
  const namespaceRegistry = withConcurrencyLimit(
    createSdkNamespaceRegistry({
      client: redshift,
      role: assumedRole,
      timeoutMs: config.aws.timeoutMs,
      logger,
      onCall: ({ operation, outcome, code, seconds }) => {
        metrics.upstreamCalls.inc({ operation, outcome, code });
        metrics.upstreamDuration.observe({ operation, outcome }, seconds);
      },
      onCredentialsRefused: (code) => metrics.credentialsRefused.inc({ code }),
    }),
    config.limits.maxConcurrentUpstream,
  );

  const times = {
    ttlMs: config.idempotency.ttlSeconds * 1000,
    // A claim outlives the longest a request can take upstream, with room to spare.
    claimTtlMs: Math.max(60_000, 2 * config.aws.timeoutMs),
  };
  const idempotencyStore = config.idempotency.redisUrl
    ? createRedisIdempotencyStore({ url: config.idempotency.redisUrl, logger, ...times })
    : createMemoryIdempotencyStore({
        maxEntries: config.idempotency.maxEntries,
        maxEntriesPerOwner: config.idempotency.maxEntriesPerCaller,
        ...times,
      });

  const app = createApp({
    config,
    logger,
    contract: loadContract(),
    namespaceRegistry,
    auditLog,
    idempotencyStore,
    metrics,
    inFlight,
    isDraining: () => draining,
    readiness: {
      check() {
        if (draining) return { ready: false, reason: 'the gateway is shutting down' };
        const state = assumedRole.readiness();
        // Probes never wait on STS; at most one background attempt every few seconds while unready.
        if (!state.ready) assumedRole.refreshInBackground();
        return state;
      },
    },
  });
  return {
    app,
    inFlight,
    startDraining() {
      draining = true;
      // Answers still to come on kept-alive connections close them, so clients reconnect elsewhere.
      for (const [, res] of inFlight.pending()) res.setHeader('Connection', 'close');
    },
    warmUp: () => assumedRole.refreshInBackground(),
    destroy() {
      redshift.destroy();
      sts.destroy();
      void idempotencyStore.close();
    },
  };
}
