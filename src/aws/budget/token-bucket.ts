// The AWS API budget's buckets: one per account, region and API family, whose tokens are reserved
// ahead (GCRA, the "virtual scheduling" form of a token bucket): a reservation says how long until its
// token comes, and is made only when that fits the caller's wait. One number per bucket (the
// theoretical arrival time of the next token) makes it cheap in memory and atomic in one Redis script.

export interface BucketLimits {
  /** Tokens per second. */
  readonly ratePerSecond: number;
  /** Tokens that may be taken at once after a quiet spell. */
  readonly burst: number;
}

export type Reservation =
  /** The token is the caller's; its call may go after `waitMs`. */
  | { readonly granted: true; readonly waitMs: number }
  /** The next token comes only after `waitMs`, more than the caller may wait: nothing was taken. */
  | { readonly granted: false; readonly waitMs: number };

export interface TokenBuckets {
  /** Reserves the next token of `key` if it comes within `maxWaitMs`. */
  reserve(key: string, limits: BucketLimits, maxWaitMs: number): Promise<Reservation>;
  /**
   * AWS throttled a call of `key` all the same: the bucket runs at half its rate, without bursts, for
   * `ms` (as the SDK's adaptive retry mode backs off, but for every caller of the bucket).
   */
  penalize(key: string, ms: number): Promise<void>;
}

/** One replica's share of `limits` when `replicas` count alone: the rate and burst divided. */
export function shareOf(limits: BucketLimits, replicas: number): BucketLimits {
  return { ratePerSecond: limits.ratePerSecond / replicas, burst: Math.max(1, Math.floor(limits.burst / replicas)) };
}

/** The parameters of one reservation, the same in memory and in the Redis script. */
export function gcraParameters(limits: BucketLimits, penalized: boolean): { intervalMs: number; toleranceMs: number } {
  const intervalMs = (1000 / limits.ratePerSecond) * (penalized ? 2 : 1);
  return { intervalMs, toleranceMs: penalized ? 0 : (Math.max(1, limits.burst) - 1) * intervalMs };
}

/**
 * Buckets in this process: a replica without Redis, or while Redis is away. Each starts full, or with
 * `startEmpty` empty: a replica that falls back does not know what the fleet has just spent.
 */
export function createLocalTokenBuckets({
  now = () => performance.timeOrigin + performance.now(),
  startEmpty = false,
}: { now?: () => number; startEmpty?: boolean } = {}): TokenBuckets {
  const nextTokenAt = new Map<string, number>();
  const penaltyUntil = new Map<string, number>();
  return {
    reserve(key, limits, maxWaitMs) {
      const at = now();
      const { intervalMs, toleranceMs } = gcraParameters(limits, (penaltyUntil.get(key) ?? 0) > at);
      // An empty bucket: its next token one interval away, its burst spent.
      const tat = Math.max(nextTokenAt.get(key) ?? (startEmpty ? at + toleranceMs + intervalMs : at), at);
      const waitMs = Math.max(tat - toleranceMs, at) - at;
      if (waitMs > maxWaitMs) return Promise.resolve({ granted: false, waitMs });
      nextTokenAt.set(key, tat + intervalMs);
      return Promise.resolve({ granted: true, waitMs });
    },
    penalize(key, ms) {
      penaltyUntil.set(key, now() + ms);
      return Promise.resolve();
    },
  };
}
