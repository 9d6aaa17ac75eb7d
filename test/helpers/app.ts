import { RedshiftClient } from '@aws-sdk/client-redshift';
import { RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import type { Express } from 'express';
import { createApp } from '../../src/app';
import type { AssumedRole } from '../../src/aws/assumed-role-credentials';
import { createSdkNamespaceRegistry } from '../../src/aws/sdk-namespace-registry';
import { createSdkRegistrationStatusReader } from '../../src/aws/sdk-registration-status';
import type { Config } from '../../src/config';
import type { AuditEvent } from '../../src/domain/audit';
import {
  createConcurrencyLimit,
  readerWithConcurrencyLimit,
  withConcurrencyLimit,
} from '../../src/domain/concurrency-limit';
import { createWaitingRoom } from '../../src/http/waiting-room';
import { loadContract, type Contract } from '../../src/http/contract';
import { createMemoryIdempotencyStore } from '../../src/http/idempotency/memory-store';
import type { IdempotencyStore } from '../../src/http/idempotency/store';
import { createInFlightRequests } from '../../src/http/in-flight';
import { createLogger } from '../../src/logger';
import { createMetrics } from '../../src/metrics';
import { testConfig } from './config';
import { LogCapture } from './log-capture';

const contract: Contract = loadContract();

export interface TestApp {
  app: Express;
  logs: LogCapture;
  client: RedshiftClient;
  audit: AuditEvent[];
}

/**
 * The real app and the real SDK adapter around a RedshiftClient with static credentials; tests
 * stub its `send` with aws-sdk-client-mock or hand in a client of their own.
 */
export function buildTestApp({
  config = testConfig(),
  client = new RedshiftClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret-test' },
    maxAttempts: 1,
  }),
  // Static credentials: nothing to discard when AWS refuses them.
  role = {
    credentials: () => Promise.resolve({ accessKeyId: 'AKIDTEST', secretAccessKey: 'secret-test' }),
    generation: () => 0,
    discard: () => false,
  },
  serverless = new RedshiftServerlessClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret-test' },
    maxAttempts: 1,
  }),
  timeoutMs = config.aws.timeoutMs,
  idempotencyStore = createMemoryIdempotencyStore({ ttlMs: 60_000, claimTtlMs: 60_000, maxEntries: 1000 }),
}: {
  config?: Config;
  client?: RedshiftClient;
  serverless?: RedshiftServerlessClient;
  role?: Pick<AssumedRole, 'credentials' | 'generation' | 'discard'>;
  timeoutMs?: number;
  idempotencyStore?: IdempotencyStore;
} = {}): TestApp {
  const logs = new LogCapture();
  const logger = createLogger('info', logs);
  const audit: AuditEvent[] = [];
  const limit = createConcurrencyLimit(config.limits.maxConcurrentUpstream);
  const app = createApp({
    config,
    logger,
    contract,
    namespaceRegistry: withConcurrencyLimit(createSdkNamespaceRegistry({ client, role, timeoutMs, logger }), limit),
    statusReader: readerWithConcurrencyLimit(
      createSdkRegistrationStatusReader({ redshift: client, serverless, role, timeoutMs }),
      limit,
    ),
    waitingRoom: createWaitingRoom(config.waiting),
    auditLog: { record: (event) => audit.push(event) },
    idempotencyStore,
    metrics: createMetrics(),
    readiness: { check: () => ({ ready: true }) },
    inFlight: createInFlightRequests(),
    isDraining: () => false,
    validateResponses: true,
  });
  return { app, logs, client, audit };
}
