import { once } from 'node:events';
import { createApp } from './app';
import { createRedshiftClient, createRequestHandler, createStsClient } from './aws/clients';
import { createSdkNamespaceRegistry } from './aws/sdk-namespace-registry';
import { ConfigError, loadConfig, type Config } from './config';
import { loadContract } from './http/contract';
import { createLogger } from './logger';

// Composition root: config → logger → AWS clients → adapters → app → listen; signals.
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled rejection');
    process.exit(1);
  });
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    process.exit(1);
  });
  if (config.auth.disabled) {
    logger.warn('AUTH_DISABLED=true: every caller is admitted without a credential');
  }

  const requestHandler = createRequestHandler(config.aws);
  const sts = createStsClient(config.aws, requestHandler);
  const redshift = createRedshiftClient(config.aws, requestHandler, sts, ({ expiration }) =>
    logger.info({ roleArn: config.aws.roleArn, expiration }, 'role assumed'),
  );
  const app = createApp({
    config,
    logger,
    contract: loadContract(),
    namespaceRegistry: createSdkNamespaceRegistry({ client: redshift, timeoutMs: config.aws.timeoutMs }),
  });

  const server = app.listen(config.port, config.host);
  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      redshift.destroy();
      sts.destroy();
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  await once(server, 'listening');
  logger.info({ address: server.address() }, 'gateway listening');
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
