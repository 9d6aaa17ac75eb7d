import type { Express } from 'express';
import { createApp } from './app';
import { createRedshiftClient, createRequestHandler, createStsClient } from './aws/clients';
import { createSdkNamespaceRegistry } from './aws/sdk-namespace-registry';
import type { Config } from './config';
import { withConcurrencyLimit } from './domain/concurrency-limit';
import { loadContract } from './http/contract';
import { createAuditLog, type Logger } from './logger';

export interface Gateway {
  readonly app: Express;
  /** Releases the AWS clients' sockets; call after the HTTP server has closed. */
  destroy(): void;
}

/** Wires the production pieces together: AWS clients → adapter → app. Used by main.ts and the integration tests. */
export function createGateway(config: Config, logger: Logger): Gateway {
  const requestHandler = createRequestHandler(config.aws);
  const sts = createStsClient(config.aws, requestHandler);
  const redshift = createRedshiftClient(config.aws, requestHandler, sts, ({ expiration }) =>
    logger.info({ roleArn: config.aws.roleArn, expiration }, 'role assumed'),
  );
  const app = createApp({
    config,
    logger,
    contract: loadContract(),
    namespaceRegistry: withConcurrencyLimit(
      createSdkNamespaceRegistry({ client: redshift, timeoutMs: config.aws.timeoutMs }),
      config.limits.maxConcurrentUpstream,
    ),
    auditLog: createAuditLog(config.auditLogFile),
  });
  return {
    app,
    destroy() {
      redshift.destroy();
      sts.destroy();
    },
  };
}
