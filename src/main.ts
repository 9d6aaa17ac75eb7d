import { once } from 'node:events';
import { ConfigError, loadConfig, startupWarnings, type Config } from './config';
import { createGateway } from './gateway';
import { createHttpServer } from './http/server';
import { createLogger } from './logger';
import { takeOverSdkNodeWarning } from './node-support';
import { GATEWAY_COMMIT, GATEWAY_VERSION } from './version';

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
  const nodeNotice = takeOverSdkNodeWarning();
  if (nodeNotice !== undefined) logger.warn(nodeNotice);
  for (const warning of startupWarnings(config)) logger.warn(warning);

  const gateway = createGateway(config, logger);
  const server = createHttpServer(gateway.app, config.http).listen(config.port, config.host);

  // Graceful shutdown (src/lifecycle.ts): readiness 503 at once, no new connections, requests in flight
  // get SHUTDOWN_TIMEOUT_MS to finish, any still unanswered then get a 503 problem; exit code 0.
  const stop = (signal: NodeJS.Signals) => void gateway.lifecycle.shutdown(server, signal).then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  await once(server, 'listening');
  gateway.warmUp();
  logger.info(
    { address: server.address(), version: GATEWAY_VERSION, commit: GATEWAY_COMMIT, node: process.version },
    'gateway listening',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
