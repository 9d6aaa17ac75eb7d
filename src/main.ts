import { once } from 'node:events';
import { ConfigError, loadConfig, type Config } from './config';
import { createGateway } from './gateway';
import { createLogger } from './logger';

// Composition root: config → logger → gateway → listen; signals.
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
  if (config.authz.allowAll) {
    logger.warn('AUTHZ_ALLOW_ALL=true: every authenticated caller may register and deregister anything');
  }

  const gateway = createGateway(config, logger);
  const server = gateway.app.listen(config.port, config.host);

  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      gateway.destroy();
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
