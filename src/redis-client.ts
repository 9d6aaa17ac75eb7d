import { Redis } from 'ioredis';
import type { Logger } from './logger';

/**
 * Logs what a Redis client of `store` goes through: each distinct error once (not once per request or
 * reconnection attempt), and the connection coming back after one; with `announceConnection`, the
 * first connection too. Returns the reporter, for errors of commands as well as of the connection.
 */
export function logRedisHealth(
  redis: Redis,
  logger: Logger,
  {
    store,
    onError = '',
    announceConnection = false,
  }: { store: string; onError?: string; announceConnection?: boolean },
): (error: unknown) => void {
  let lastError = '';
  let connectedOnce = false;
  const report = (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    if (message !== lastError) logger.warn({ err: error }, `${store} (Redis) error${onError}`);
    lastError = message;
  };
  redis.on('error', report);
  redis.on('ready', () => {
    if (!connectedOnce && announceConnection) logger.info(`${store} (Redis) connected`);
    else if (lastError !== '') logger.info(`${store} (Redis) reachable again`);
    connectedOnce = true;
    lastError = '';
  });
  return report;
}

/**
 * A Redis client for a store that falls back when Redis is away: no queue while disconnected and no
 * retries, so a command fails at once instead of waiting; reconnection attempts in the background.
 */
export function createFailFastRedis(url: string): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    commandTimeout: 500,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
}
