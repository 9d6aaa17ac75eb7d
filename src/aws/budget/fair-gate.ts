import { setTimeout as sleep } from 'node:timers/promises';
import { UpstreamUnavailableError } from '../../domain/errors';
import type { BucketLimits, TokenBuckets } from './token-bucket';

/** Why a call was refused a token: it could not have one in time, too many wait already, or shutdown. */
export type RefusalReason = 'deadline' | 'full' | 'shutdown';

export interface FairGateOptions {
  readonly buckets: TokenBuckets;
  /** The bucket: account, region and API family. */
  readonly key: string;
  readonly limits: BucketLimits;
  /** The rate this replica can count on (the bucket's ÷ the replicas), for the estimate at the door. */
  readonly replicaRatePerSecond: number;
  /** Calls waiting at most, all callers together; more are refused at once. */
  readonly maxWaiting: number;
  readonly onGranted?: (waitedSeconds: number) => void;
  readonly onRefused?: (reason: RefusalReason) => void;
}

/** Lets AWS calls go at the bucket's rate, callers served in turn. */
export interface FairGate {
  /**
   * Resolves when `caller`'s call may go: at once while the bucket has tokens, else in its turn.
   * @throws UpstreamUnavailableError, with the seconds until a token could come as Retry-After, when
   * the call cannot have one within `maxWaitMs`, when too many calls wait already, or on shutdown.
   */
  pass(caller: string, maxWaitMs: number): Promise<void>;
  /** Calls waiting now. */
  waiting(): number;
  /** Shutdown: refuses every waiting call at once, and every later one. */
  closeAll(): void;
}

interface Waiter {
  readonly enqueuedAt: number;
  readonly deadline: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * Waiting calls are queued per caller and served round robin, one token each in turn: a caller
 * sending ten times as much as the others waits longer, and does not make them wait. Round robin
 * over weighted fair share: callers are equals here (no caller has a larger claim on an account's
 * quota), and it needs no per-caller weights or virtual times. One loop per bucket reserves the next
 * token for the caller whose turn it is and sleeps until that token comes, so this replica never holds
 * more than one reservation ahead and the buckets' order across replicas stays fair.
 */
export function createFairGate(options: FairGateOptions): FairGate {
  const { buckets, key, limits } = options;
  // Insertion order is the turn: a caller served goes to the back.
  const queues = new Map<string, Waiter[]>();
  let count = 0;
  let pumping = false;
  let closed = false;
  const stop = new AbortController();

  const refuse = (reason: RefusalReason, message: string, retryAfterMs: number) => {
    options.onRefused?.(reason);
    return new UpstreamUnavailableError(message, undefined, {
      retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
    });
  };

  // How long until a new call of `caller` would have its token, from this replica's share of the rate:
  // its own calls waiting ahead, and each other caller's, up to as many turns.
  const estimateMs = (caller: string) => {
    const own = queues.get(caller)?.length ?? 0;
    let ahead = own;
    for (const [other, waiters] of queues) if (other !== caller) ahead += Math.min(waiters.length, own + 1);
    return (ahead * 1000) / options.replicaRatePerSecond;
  };

  const take = (caller: string): Waiter | undefined => {
    const waiters = queues.get(caller);
    const waiter = waiters?.shift();
    queues.delete(caller);
    if (waiters !== undefined && waiters.length > 0) queues.set(caller, waiters);
    if (waiter !== undefined) count -= 1;
    return waiter;
  };

  const pump = async () => {
    pumping = true;
    try {
      while (count > 0 && !closed) {
        const [caller, waiters] = queues.entries().next().value as [string, Waiter[]];
        const waiter = waiters[0]!;
        const reservation = await buckets
          .reserve(key, limits, Math.max(0, waiter.deadline - Date.now()))
          // Neither bucket store throws (Redis falls back to this replica's); should one, the call is refused, not held.
          .catch(() => ({ granted: false, waitMs: 1000 }) as const);
        if (closed) break;
        if (!reservation.granted) {
          take(caller);
          waiter.reject(
            refuse('deadline', 'the AWS API budget has no token in time for this call', reservation.waitMs),
          );
          continue;
        }
        if (reservation.waitMs > 0) {
          await sleep(reservation.waitMs, undefined, { signal: stop.signal }).catch(() => undefined);
          if (closed) break;
        }
        take(caller);
        options.onGranted?.((Date.now() - waiter.enqueuedAt) / 1000);
        waiter.resolve();
      }
    } finally {
      pumping = false;
    }
  };

  return {
    pass(caller, maxWaitMs) {
      if (closed) return Promise.reject(refuse('shutdown', 'the gateway is shutting down', 1000));
      if (count >= options.maxWaiting) {
        return Promise.reject(
          refuse('full', `${count} calls are waiting for the AWS API budget already`, estimateMs(caller)),
        );
      }
      const estimated = estimateMs(caller);
      if (estimated > maxWaitMs) {
        return Promise.reject(refuse('deadline', 'the AWS API budget has no token in time for this call', estimated));
      }
      return new Promise<void>((resolve, reject) => {
        const now = Date.now();
        const waiters = queues.get(caller) ?? [];
        waiters.push({ enqueuedAt: now, deadline: now + maxWaitMs, resolve, reject });
        queues.set(caller, waiters);
        count += 1;
        if (!pumping) void pump();
      });
    },
    waiting: () => count,
    closeAll() {
      closed = true;
      stop.abort();
      for (const caller of [...queues.keys()]) {
        for (let waiter = take(caller); waiter !== undefined; waiter = take(caller)) {
          waiter.reject(refuse('shutdown', 'the gateway is shutting down', 1000));
        }
      }
    },
  };
}
