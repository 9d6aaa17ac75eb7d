import { randomUUID } from 'node:crypto';
import {
  IdempotencyStoreFullError,
  type ClaimResult,
  type IdempotencyStore,
  type IdempotencyTimes,
  type StoredAnswer,
} from './store';

interface Entry {
  owner: string;
  fingerprint: string;
  token: string;
  answer: StoredAnswer | undefined;
  expiresAt: number;
}

/**
 * Idempotency records in this process's memory: for one replica. At most `maxEntries` records, and
 * at most `maxEntriesPerOwner` of one caller, so that no caller can push another's records out. Past
 * a bound, the oldest completed record (of that caller, for its own bound) goes first; a claim still
 * in flight is never evicted: its request would run twice. With no completed record to give up, a
 * new claim is refused.
 */
export function createMemoryIdempotencyStore({
  ttlMs,
  claimTtlMs,
  maxEntries,
  maxEntriesPerOwner = maxEntries,
  now = Date.now,
}: IdempotencyTimes & {
  maxEntries: number;
  maxEntriesPerOwner?: number;
  now?: () => number;
}): IdempotencyStore & { size(): number } {
  // A Map iterates in insertion order, so the first match is always the oldest record.
  const entries = new Map<string, Entry>();
  const perOwner = new Map<string, number>();

  const remove = (key: string) => {
    const entry = entries.get(key);
    if (entry === undefined) return;
    entries.delete(key);
    const count = (perOwner.get(entry.owner) ?? 1) - 1;
    if (count === 0) perOwner.delete(entry.owner);
    else perOwner.set(entry.owner, count);
  };

  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      remove(key);
      return undefined;
    }
    return entry;
  };

  /** Makes room by dropping expired records and then the oldest completed one matching `which`. */
  const evictOne = (which: (entry: Entry) => boolean): boolean => {
    const time = now();
    let oldestCompleted: string | undefined;
    for (const [key, entry] of entries) {
      if (entry.expiresAt <= time) {
        remove(key);
        return true;
      }
      if (oldestCompleted === undefined && entry.answer !== undefined && which(entry)) oldestCompleted = key;
    }
    if (oldestCompleted === undefined) return false;
    remove(oldestCompleted);
    return true;
  };

  return {
    claim(key, fingerprint, owner): Promise<ClaimResult> {
      const entry = live(key);
      if (entry?.answer)
        return Promise.resolve({ outcome: 'completed', fingerprint: entry.fingerprint, answer: entry.answer });
      if (entry) return Promise.resolve({ outcome: 'in-progress', fingerprint: entry.fingerprint });
      while ((perOwner.get(owner) ?? 0) >= maxEntriesPerOwner) {
        if (!evictOne((candidate) => candidate.owner === owner)) {
          return Promise.reject(new IdempotencyStoreFullError('This caller has too many keyed requests in flight.'));
        }
      }
      while (entries.size >= maxEntries) {
        if (!evictOne(() => true)) {
          return Promise.reject(new IdempotencyStoreFullError('The idempotency store is full of requests in flight.'));
        }
      }
      const token = randomUUID();
      entries.set(key, { owner, fingerprint, token, answer: undefined, expiresAt: now() + claimTtlMs });
      perOwner.set(owner, (perOwner.get(owner) ?? 0) + 1);
      return Promise.resolve({ outcome: 'claimed', token });
    },
    complete(key, token, fingerprint, answer) {
      const entry = live(key);
      if (entry?.token === token) Object.assign(entry, { fingerprint, answer, expiresAt: now() + ttlMs });
      return Promise.resolve();
    },
    release(key, token) {
      if (live(key)?.token === token) remove(key);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
    size: () => entries.size,
  };
}
