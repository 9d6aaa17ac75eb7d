import { UpstreamError } from '../../domain/errors';
import type { CallOptions, NamespaceRegistry, RegistrationStatusReader } from '../../domain/ports';
import type { AwsTarget } from '../settings';
import { createFairGate, type FairGate, type RefusalReason } from './fair-gate';
import type { ApiBudgetOptions } from './settings';
import { shareOf, type BucketLimits, type TokenBuckets } from './token-bucket';

/** The API families AWS throttles apart: the changes, and the reads of the status. */
export type ApiFamily = 'write' | 'read';

/** What the budget reports, per target and family. */
export interface ApiBudgetEvents {
  onGranted?(event: { target: string; family: ApiFamily; waitedSeconds: number }): void;
  onRefused?(event: { target: string; family: ApiFamily; reason: RefusalReason }): void;
  onThrottled?(event: { target: string; family: ApiFamily }): void;
}

// A status read makes two calls in the usual case: the producer's ARN (DescribeClusters, or Redshift
// Serverless GetNamespace), then its datashares (DescribeDataSharesForProducer, one page).
const READ_CALLS_PER_STATUS = 2;
// After a throttling answer that got through, the bucket runs at half its rate for this long.
const THROTTLE_PENALTY_MS = 10_000;
const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);

export interface ApiBudget {
  /** The target's registry, each change waiting its turn for a write token of the target's account and region. */
  registry(target: AwsTarget, registry: NamespaceRegistry): NamespaceRegistry;
  /** The target's status reader, each read waiting its turn for its read tokens. */
  reader(target: AwsTarget, reader: RegistrationStatusReader): RegistrationStatusReader;
  /** Shutdown: answers every waiting call at once (503). */
  closeAll(): void;
}

/**
 * The AWS API budget (#25): each call to AWS waits for a token of its account's and region's bucket
 * for its API family, callers served in turn (fair-gate.ts), for at most its request's wait
 * (`Prefer: wait`) or else the upstream deadline; one that cannot have it in time is refused before
 * any AWS call, with a Retry-After from the bucket. A throttling answer that still comes back slows
 * the bucket for everyone. A family without a rate is not budgeted.
 */
export function createApiBudget({
  options,
  buckets,
  shared,
  defaultMaxWaitMs,
  events = {},
}: {
  options: ApiBudgetOptions;
  buckets: TokenBuckets;
  /** Whether `buckets` are the fleet's (Redis); else they are this replica's, at its share of the rates. */
  shared: boolean;
  defaultMaxWaitMs: number;
  events?: ApiBudgetEvents;
}): ApiBudget {
  const gates: FairGate[] = [];

  const gateOf = (target: AwsTarget, family: ApiFamily, limits: BucketLimits) => {
    const gate = createFairGate({
      buckets,
      key: bucketKey(target, family),
      limits: shared ? limits : shareOf(limits, options.replicas),
      replicaRatePerSecond: limits.ratePerSecond / options.replicas,
      maxWaiting: options.maxWaiting,
      onGranted: (waitedSeconds) => events.onGranted?.({ target: target.name, family, waitedSeconds }),
      onRefused: (reason) => events.onRefused?.({ target: target.name, family, reason }),
    });
    gates.push(gate);
    return gate;
  };

  // Waits for `tokens` tokens, then makes the call; a throttling answer slows the bucket.
  const budgeted = (target: AwsTarget, family: ApiFamily, gate: FairGate, tokens: number) => {
    return async <T>(call: () => Promise<T>, callOptions: CallOptions | undefined): Promise<T> => {
      const maxWaitUntil = callOptions?.waitUntil ?? Date.now() + defaultMaxWaitMs;
      for (let token = 0; token < tokens; token += 1) {
        await gate.pass(callOptions?.requestedBy ?? 'gateway', Math.max(0, maxWaitUntil - Date.now()));
      }
      try {
        return await call();
      } catch (error) {
        if (error instanceof UpstreamError && THROTTLING_CODES.has(error.upstream?.code ?? '')) {
          events.onThrottled?.({ target: target.name, family });
          await buckets.penalize(bucketKey(target, family), THROTTLE_PENALTY_MS);
        }
        throw error;
      }
    };
  };

  return {
    registry(target, registry) {
      if (options.writes === undefined) return registry;
      const write = budgeted(target, 'write', gateOf(target, 'write', options.writes), 1);
      return {
        register: (command, callOptions) => write(() => registry.register(command, callOptions), callOptions),
        deregister: (command, callOptions) => write(() => registry.deregister(command, callOptions), callOptions),
      };
    },
    reader(target, reader) {
      if (options.reads === undefined) return reader;
      const read = budgeted(target, 'read', gateOf(target, 'read', options.reads), READ_CALLS_PER_STATUS);
      return { read: (command, callOptions) => read(() => reader.read(command, callOptions), callOptions) };
    },
    closeAll() {
      for (const gate of gates) gate.closeAll();
    },
  };
}

/** One bucket per account, region and family: targets that share an account and region share its quota. */
function bucketKey(target: AwsTarget, family: ApiFamily): string {
  return `${target.accountId}:${target.region}:${family}`;
}
