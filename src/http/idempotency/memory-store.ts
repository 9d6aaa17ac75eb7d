import { randomUUID } from 'node:crypto';
import type { ClaimResult, IdempotencyStore, IdempotencyTimes, StoredAnswer } from './store';

interface Entry {
  fingerprint: string;
  token: string;
  answer: StoredAnswer | undefined;
  expiresAt: number;
}

/**
 * Idempotency records in this process's memory: for one replica. At most `maxEntries` records;
 * past that the oldest claim goes first, whatever its state.
 */
export function createMemoryIdempotencyStore({
  ttlMs,
  claimTtlMs,
  maxEntries,
  now = Date.now,
}: IdempotencyTimes & { maxEntries: number; now?: () => number }): IdempotencyStore & { size(): number } {
  // A Map iterates in insertion order, so its first key is always the oldest claim.
  const entries = new Map<string, Entry>();

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  return {
    claim(key, fingerprint): Promise<ClaimResult> {
      const entry = live(key);
      if (entry?.answer)
        return Promise.resolve({ outcome: 'completed', fingerprint: entry.fingerprint, answer: entry.answer });
      if (entry) return Promise.resolve({ outcome: 'in-progress', fingerprint: entry.fingerprint });
      while (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      const token = randomUUID();
      entries.set(key, { fingerprint, token, answer: undefined, expiresAt: now() + claimTtlMs });
      return Promise.resolve({ outcome: 'claimed', token });
    },
    complete(key, token, fingerprint, answer) {
      const entry = live(key);
      if (entry?.token === token) Object.assign(entry, { fingerprint, answer, expiresAt: now() + ttlMs });
      return Promise.resolve();
    },
    release(key, token) {
      if (live(key)?.token === token) entries.delete(key);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
    size: () => entries.size,
  };
}
