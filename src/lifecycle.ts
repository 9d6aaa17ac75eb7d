import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InFlightRequests } from './http/in-flight';
import type { Logger } from './logger';

/** The gateway's life after start: draining, then shutdown. The one owner of both. */
export interface Lifecycle {
  /** True once draining has begun: readiness answers 503, answers ask clients to close. */
  isDraining(): boolean;
  /** Readiness turns 503, waiting requests are answered, kept-alive clients are asked to leave. */
  startDraining(): void;
  /**
   * Graceful shutdown of `server`: drain, stop accepting, close idle connections, give requests in
   * flight up to the shutdown budget, answer any still unanswered with a 503 problem, release the
   * gateway's resources. Resolves when done; stopping on request is not a failure (exit code 0).
   */
  shutdown(server: Server, signal: NodeJS.Signals): Promise<void>;
}

export function createLifecycle({
  inFlight,
  logger,
  shutdownTimeoutMs,
  onDrain,
  release,
}: {
  inFlight: InFlightRequests;
  logger: Logger;
  shutdownTimeoutMs: number;
  /** What else draining means: requests waiting for a registration are answered at once. */
  onDrain: () => void;
  /** Releases what the gateway holds (AWS clients' sockets, stores); called once the server has closed. */
  release: () => void;
}): Lifecycle {
  let draining = false;
  const startDraining = () => {
    draining = true;
    onDrain();
    // Answers still to come on kept-alive connections close them, so clients reconnect elsewhere.
    for (const [, res] of inFlight.pending()) res.setHeader('Connection', 'close');
  };
  return {
    isDraining: () => draining,
    startDraining,
    async shutdown(server, signal) {
      logger.info({ signal, inFlight: inFlight.size() }, 'shutting down');
      startDraining();
      server.close();
      server.closeIdleConnections();
      const finished = await Promise.race([
        inFlight.drained().then(() => true),
        sleep(shutdownTimeoutMs, false, { ref: false }),
      ]);
      if (!finished) {
        const unfinished = inFlight.answerPending('The gateway is shutting down; retry the request.');
        logger.warn({ unfinished }, 'shutdown timeout: answering the requests still in flight with 503');
        // Time for those answers to reach the sockets before the connections are cut.
        await sleep(100);
      }
      server.closeAllConnections();
      release();
      logger.info({ requests: inFlight.totals() }, 'stopped');
    },
  };
}
