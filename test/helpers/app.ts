import { RedshiftClient } from '@aws-sdk/client-redshift';
import { RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import type { Express } from 'express';
import type { AssumedRole } from '../../src/aws/assumed-role-credentials';
import type { Config } from '../../src/config';
import type { AuditEvent } from '../../src/domain/audit';
import { createGateway } from '../../src/gateway';
import type { IdempotencyStore } from '../../src/http/idempotency/store';
import { createLogger } from '../../src/logger';
import { testConfig } from './config';
import { LogCapture } from './log-capture';

export interface TestApp {
  app: Express;
  logs: LogCapture;
  client: RedshiftClient;
  audit: AuditEvent[];
}

const STATIC_CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret-test' };

/** A role whose credentials never change: nothing to assume, nothing to discard when AWS refuses them. */
const staticRole = (): AssumedRole => ({
  credentials: () => Promise.resolve(STATIC_CREDENTIALS),
  readiness: () => ({ ready: true }),
  refreshInBackground: () => undefined,
  generation: () => 0,
  discard: () => false,
});

/**
 * The gateway as production wires it (createGateway), with the AWS clients replaced: a RedshiftClient
 * and a RedshiftServerlessClient with static credentials and one attempt, whose `send` tests stub with
 * aws-sdk-client-mock, or clients of their own. Answers are checked against the contract too.
 */
export function buildTestApp({
  config = testConfig(),
  client = new RedshiftClient({ region: 'eu-west-1', credentials: STATIC_CREDENTIALS, maxAttempts: 1 }),
  serverless = new RedshiftServerlessClient({ region: 'eu-west-1', credentials: STATIC_CREDENTIALS, maxAttempts: 1 }),
  role = staticRole(),
  idempotencyStore,
}: {
  config?: Config;
  client?: RedshiftClient;
  serverless?: RedshiftServerlessClient;
  role?: AssumedRole;
  idempotencyStore?: IdempotencyStore;
} = {}): TestApp {
  const logs = new LogCapture();
  const audit: AuditEvent[] = [];
  const { app } = createGateway(config, createLogger('info', logs), {
    aws: () => ({ redshift: client, serverless, role, destroy: () => undefined }),
    auditLog: { record: (event) => audit.push(event) },
    idempotencyStore,
    validateResponses: true,
  });
  return { app, logs, client, audit };
}
