import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../../logger';
import { logRedisHealth } from '../../redis-client';
import {
  IdempotencyStoreUnavailableError,
  type ClaimResult,
  type IdempotencyStore,
  type IdempotencyTimes,
  type StoredAnswer,
} from './store';

interface KeyRecord {
  fingerprint: string;
  token: string;
  answer?: StoredAnswer;
}

// Replace or delete the record only while it still holds our claim's token: a claim that expired
// and was taken by another replica is not ours to touch.
const COMPLETE_IF_OURS = `
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).token == ARGV[1] then
  return redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return false`;
const DELETE_IF_OURS = `
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).token == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/**
 * Idempotency records in Redis, shared by every replica. A claim is one `SET NX PX`, so two
 * replicas racing on a key run the upstream call once. With Redis unreachable, calls fail within
 * a second and the client reconnects in the background.
 */
export function createRedisIdempotencyStore({
  url,
  ttlMs,
  claimTtlMs,
  logger,
  keyPrefix = 'gateway:idempotency:',
}: IdempotencyTimes & { url: string; logger: Logger; keyPrefix?: string }): IdempotencyStore {
  const redis = new Redis(url, {
    keyPrefix,
    // Commands wait for a connection that is being made, but no more than commandTimeout, and are
    // not retried: with Redis away, a keyed request gets its 503 within a second.
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    commandTimeout: 1_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  logRedisHealth(redis, logger, { store: 'idempotency store' });

  const guard = async <T>(operation: () => Promise<T>): Promise<T> => {
    try {
      return await operation();
    } catch (error) {
      throw new IdempotencyStoreUnavailableError('the idempotency store cannot be reached', { cause: error });
    }
  };

  return {
    claim: (key, fingerprint) =>
      guard(async (): Promise<ClaimResult> => {
        for (let attempt = 0; attempt < 3; attempt += 1) {
          const token = randomUUID();
          const record: KeyRecord = { fingerprint, token };
          if ((await redis.set(key, JSON.stringify(record), 'PX', claimTtlMs, 'NX')) === 'OK') {
            return { outcome: 'claimed', token };
          }
          const existing = await redis.get(key);
          // Gone between SET and GET (expired or released): try the claim again.
          if (existing === null) continue;
          const parsed = JSON.parse(existing) as KeyRecord;
          return parsed.answer
            ? { outcome: 'completed', fingerprint: parsed.fingerprint, answer: parsed.answer }
            : { outcome: 'in-progress', fingerprint: parsed.fingerprint };
        }
        throw new Error('the key kept changing while being claimed');
      }),
    complete: (key, token, fingerprint, answer) =>
      guard(async () => {
        const record: KeyRecord = { fingerprint, token, answer };
        await redis.eval(COMPLETE_IF_OURS, 1, key, token, JSON.stringify(record), String(ttlMs));
      }),
    release: (key, token) =>
      guard(async () => {
        await redis.eval(DELETE_IF_OURS, 1, key, token);
      }),
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
