import type { Logger } from '../../logger';
import { createFailFastRedis, logRedisHealth } from '../../redis-client';
import { createLocalTokenBuckets, gcraParameters, shareOf, type TokenBuckets } from './token-bucket';

// One reservation, atomic in Redis, on Redis's clock (every replica reads the same time): the bucket's
// next-token time in KEYS[1], a throttling penalty's presence in KEYS[2]. Numbers go back as strings:
// Redis turns Lua numbers into integers.
const RESERVE = `
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local maxWait = tonumber(ARGV[3])
if redis.call('EXISTS', KEYS[2]) == 1 then
  interval = interval * 2
  tolerance = 0
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local allowed = tat - tolerance
if allowed < now then allowed = now end
local wait = allowed - now
if wait > maxWait then return {0, tostring(wait)} end
tat = tat + interval
redis.call('SET', KEYS[1], tostring(tat), 'PX', math.ceil(tat - now) + 60000)
return {1, tostring(wait)}
`;

/**
 * Buckets shared by every replica through the Redis of REDIS_URL. While Redis does not answer, each
 * replica reserves from a bucket of its own at its share of the rate (rate ÷ `replicas`, the
 * replicas expected), says so once in the log, and counts each such reservation (`onFallback`).
 */
export function createRedisTokenBuckets({
  url,
  replicas,
  logger,
  onFallback,
}: {
  url: string;
  replicas: number;
  logger: Logger;
  onFallback: () => void;
}): TokenBuckets & { close(): void } {
  // A reservation falls back at once instead of waiting for Redis.
  const redis = createFailFastRedis(url);
  redis.defineCommand('gatewayReserveToken', { numberOfKeys: 2, lua: RESERVE });
  const report = logRedisHealth(redis, logger, {
    store: 'AWS API budget',
    onError: `; each replica takes its share (1/${replicas}) of the rate`,
    announceConnection: true,
  });
  // Redis may have granted tokens a moment ago: this replica's own buckets start empty.
  const local = createLocalTokenBuckets({ startEmpty: true });
  const prefix = 'gateway:aws-budget:';
  const reserveInRedis = redis as unknown as {
    gatewayReserveToken(key: string, penaltyKey: string, ...args: string[]): Promise<[number, string]>;
  };

  return {
    async reserve(key, limits, maxWaitMs) {
      try {
        // The script doubles the interval itself while a penalty is set.
        const { intervalMs, toleranceMs } = gcraParameters(limits, false);
        const [granted, waitMs] = await reserveInRedis.gatewayReserveToken(
          `${prefix}${key}`,
          `${prefix}${key}:penalty`,
          String(intervalMs),
          String(toleranceMs),
          String(maxWaitMs),
        );
        return { granted: granted === 1, waitMs: Number(waitMs) };
      } catch (error) {
        report(error);
        onFallback();
        return local.reserve(key, shareOf(limits, replicas), maxWaitMs);
      }
    },
    async penalize(key, ms) {
      await Promise.allSettled([redis.set(`${prefix}${key}:penalty`, '1', 'PX', ms), local.penalize(key, ms)]);
    },
    close() {
      redis.disconnect();
    },
  };
}
