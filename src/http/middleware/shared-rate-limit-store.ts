import { MemoryStore, type IncrementResponse, type Options, type Store } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { Logger } from '../../logger';
import { createFailFastRedis, logRedisHealth } from '../../redis-client';

/**
 * The per-caller rate limit counted in Redis, so that several replicas share one limit. With Redis
 * unreachable, each replica counts on its own (the limit holds per replica, N times looser in all)
 * until Redis answers again: neither every request refused nor the limit dropped because of a
 * store outage. `onFallback` is told of each request counted locally.
 */
export function createSharedRateLimitStore({
  url,
  logger,
  onFallback,
}: {
  url: string;
  logger: Logger;
  onFallback: () => void;
}): Omit<Store, 'shutdown'> & { shutdown(): void } {
  // A request falls back at once instead of waiting for Redis.
  const redis = createFailFastRedis(url);
  // Until the first connection, requests are counted in this replica too: the log says when it is made.
  const report = logRedisHealth(redis, logger, {
    store: 'rate limit store',
    onError: '; counting in this replica',
    announceConnection: true,
  });

  const shared = new RedisStore({
    sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>,
    prefix: 'gateway:rate-limit:',
  });
  const local = new MemoryStore();
  let options: Options | undefined;
  // The store's scripts are loaded on first use, and again after a failure: loading them in init()
  // with Redis away would leave the store failing for good.
  let scriptsLoaded: Promise<void> | undefined;

  return {
    localKeys: false,
    prefix: 'gateway:rate-limit:',
    init(passed: Options) {
      options = passed;
      local.init(passed);
    },
    async increment(key: string): Promise<IncrementResponse> {
      try {
        scriptsLoaded ??= shared.init(options!).catch((error: unknown) => {
          scriptsLoaded = undefined;
          throw error;
        });
        await scriptsLoaded;
        return await shared.increment(key);
      } catch (error) {
        report(error);
        onFallback();
        return local.increment(key);
      }
    },
    async decrement(key: string) {
      await shared.decrement(key).catch(() => local.decrement(key));
    },
    async resetKey(key: string) {
      await Promise.allSettled([shared.resetKey(key), local.resetKey(key)]);
    },
    shutdown() {
      local.shutdown();
      redis.disconnect();
    },
  };
}
