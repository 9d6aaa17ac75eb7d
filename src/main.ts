import { once } from 'node:events';
import { ConfigError, loadConfig, type Config } from './config';
import { createGateway } from './gateway';
import { createHttpServer } from './http/server';
import { createLogger } from './logger';
import { takeOverSdkNodeWarning } from './node-support';
import { startTracing, TRACE_FLUSH_MIN_MS, type Tracing } from './tracing/start';
import { GATEWAY_COMMIT, GATEWAY_VERSION } from './version';

// Composition root: config → logger → tracing → gateway → listen; signals.
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const logger = createLogger(config.log.level, undefined, { traced: config.tracing !== undefined });
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
  for (const warning of config.warnings) logger.warn(warning);

  let tracing: Tracing | undefined;
  if (config.tracing !== undefined) {
    tracing = await startTracing(config.tracing, logger);
    const { tracesUrl, protocol, sampler } = config.tracing;
    logger.info({ tracesUrl, protocol, sampler }, 'tracing on');
  }
  const gateway = createGateway(config, logger);
  const server = createHttpServer(gateway.app, config.server).listen(config.server.port, config.server.host);

  // Graceful shutdown (src/lifecycle.ts): readiness 503 at once, no new connections, requests in flight
  // get SHUTDOWN_TIMEOUT_MS to finish, any still unanswered then get a 503 problem; the spans still
  // pending are exported within what is left of the budget (at least TRACE_FLUSH_MIN_MS); exit code 0.
  const stop = (signal: NodeJS.Signals) => {
    const deadline = Date.now() + config.server.shutdownTimeoutMs;
    void gateway.lifecycle
      .shutdown(server, signal)
      .then(() => tracing?.shutdown(Math.max(TRACE_FLUSH_MIN_MS, deadline - Date.now())))
      .then(() => process.exit(0));
  };
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
