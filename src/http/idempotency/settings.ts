import { z } from 'zod';
import { defineSection, variable } from '../../env/variable';
import { integer, optionalText } from '../../env/parsers';

/** How long Idempotency-Key answers are kept, and where: this process, or the Redis the replicas share. */
export interface IdempotencyOptions {
  readonly ttlSeconds: number;
  readonly maxEntries: number;
  /** At most `maxEntries`. */
  readonly maxEntriesPerCaller: number;
  /** Shared by the replicas: idempotency records and the per-caller rate limit. */
  readonly redisUrl: string | undefined;
}

export const IDEMPOTENCY_SETTINGS = defineSection({
  title: 'Idempotency and the shared Redis',
  variables: {
    IDEMPOTENCY_TTL_SECONDS: variable(
      "How long an Idempotency-Key's answer is kept (60 to 604800 s).",
      integer(60, 604800),
      { default: '86400' },
    ),
    IDEMPOTENCY_MAX_ENTRIES: variable(
      'Idempotency records kept in memory at most, without REDIS_URL (100 to 1000000); the oldest completed go first, a request in flight is never evicted.',
      integer(100, 1000000),
      { default: '10000' },
    ),
    IDEMPOTENCY_MAX_ENTRIES_PER_CALLER: variable(
      "Of those, at most this many belong to one caller (10 to 1000000), so that no caller can push out another's records.",
      integer(10, 1000000),
      { default: '1000' },
    ),
    REDIS_URL: variable(
      'Redis (redis:// or rediss://) shared by the replicas: Idempotency-Key records and the per-caller rate limit live there. Empty keeps both in this process.',
      optionalText.pipe(z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional()),
    ),
  },
  build: (v): IdempotencyOptions => ({
    ttlSeconds: v.IDEMPOTENCY_TTL_SECONDS,
    maxEntries: v.IDEMPOTENCY_MAX_ENTRIES,
    maxEntriesPerCaller: Math.min(v.IDEMPOTENCY_MAX_ENTRIES_PER_CALLER, v.IDEMPOTENCY_MAX_ENTRIES),
    redisUrl: v.REDIS_URL,
  }),
});
