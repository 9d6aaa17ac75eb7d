import { defineSection, variable } from '../../env/variable';
import { decimal, integer, optionalText } from '../../env/parsers';
import type { BucketLimits } from './token-bucket';

/** The AWS API budget: token buckets per account, region and API family, shared by the replicas through REDIS_URL. */
export interface ApiBudgetOptions {
  /** RegisterNamespace and DeregisterNamespace; undefined: no budget for them. */
  readonly writes: BucketLimits | undefined;
  /** Describe*, Get*, List* (the status reads); undefined: no budget for them. */
  readonly reads: BucketLimits | undefined;
  /** The replicas expected: without Redis, or while it is away, each takes this share of the rates. */
  readonly replicas: number;
  /** Calls waiting for a token at most, per bucket and replica. */
  readonly maxWaiting: number;
}

const rate = (family: string, calls: string) =>
  variable(
    `${family} calls per second per AWS account and region, fleet-wide: ${calls}. Unset: no budget for them (every call goes at once, and AWS's throttling is retried by the SDK). Set it to the account's quota, or below it when other tools share the account.`,
    optionalText.pipe(decimal(0.01, 10000).optional()),
  );
const burst = (family: string) =>
  variable(
    `${family} calls that may go at once after a quiet spell (1 to 10000); 1 spaces every call evenly.`,
    integer(1, 10000),
    { default: '1' },
  );

export const API_BUDGET_SETTINGS = defineSection({
  title: 'AWS API budget',
  variables: {
    UPSTREAM_BUDGET_WRITES_PER_SECOND: rate('Write', 'RegisterNamespace and DeregisterNamespace'),
    UPSTREAM_BUDGET_WRITE_BURST: burst('Write'),
    UPSTREAM_BUDGET_READS_PER_SECOND: rate(
      'Read',
      'the Describe*, Get* and List* calls of the status resource and of Prefer: wait (two per status read)',
    ),
    UPSTREAM_BUDGET_READ_BURST: burst('Read'),
    UPSTREAM_BUDGET_REPLICAS: variable(
      'The replicas expected (1 to 1000): without REDIS_URL, or while Redis is away, each replica takes this share of the rates, so that the fleet stays within them.',
      integer(1, 1000),
      { default: '1' },
    ),
    UPSTREAM_BUDGET_MAX_WAITING: variable(
      'Calls waiting for a token at most, per account, region, API family and replica (1 to 100000); more get 503 with Retry-After at once.',
      integer(1, 100000),
      { default: '1000' },
    ),
  },
  build: (v): ApiBudgetOptions => ({
    writes:
      v.UPSTREAM_BUDGET_WRITES_PER_SECOND === undefined
        ? undefined
        : { ratePerSecond: v.UPSTREAM_BUDGET_WRITES_PER_SECOND, burst: v.UPSTREAM_BUDGET_WRITE_BURST },
    reads:
      v.UPSTREAM_BUDGET_READS_PER_SECOND === undefined
        ? undefined
        : { ratePerSecond: v.UPSTREAM_BUDGET_READS_PER_SECOND, burst: v.UPSTREAM_BUDGET_READ_BURST },
    replicas: v.UPSTREAM_BUDGET_REPLICAS,
    maxWaiting: v.UPSTREAM_BUDGET_MAX_WAITING,
  }),
});
