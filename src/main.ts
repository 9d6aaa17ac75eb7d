import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, loadConfig, startupWarnings, type Config } from './config';
import { createGateway } from './gateway';
import { sendProblem } from './http/error-handler';
import { ShuttingDownError } from './http/errors';
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

  // Graceful shutdown: readiness turns 503 at once, no new connections, idle keep-alive sockets
  // close, requests in flight get up to SHUTDOWN_TIMEOUT_MS to finish; any still unanswered then
  // get a 503 problem. Exit code 0 either way: stopping on request is not a failure.
  const shutdown = async (signal: NodeJS.Signals) => {
    logger.info({ signal, inFlight: gateway.inFlight.size() }, 'shutting down');
    gateway.startDraining();
    server.close();
    server.closeIdleConnections();
    const finished = await Promise.race([
      gateway.inFlight.drained().then(() => true),
      sleep(config.shutdownTimeoutMs, false, { ref: false }),
    ]);
    if (!finished) {
      const pending = gateway.inFlight.pending();
      logger.warn({ unfinished: pending.length }, 'shutdown timeout: answering the requests still in flight with 503');
      for (const [req, res] of pending) {
        sendProblem(req, res, new ShuttingDownError('The gateway is shutting down; retry the request.'));
      }
      await sleep(100);
    }
    server.closeAllConnections();
    gateway.destroy();
    logger.info({ requests: gateway.inFlight.totals() }, 'stopped');
    process.exit(0);
  };
  process.once('SIGTERM', (signal) => void shutdown(signal));
  process.once('SIGINT', (signal) => void shutdown(signal));

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
