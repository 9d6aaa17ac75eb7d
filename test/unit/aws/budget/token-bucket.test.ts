import { createLocalTokenBuckets } from '../../../../src/aws/budget/token-bucket';

// The buckets' arithmetic, on a clock the test moves.

describe('local token buckets (GCRA)', () => {
  let now = 0;
  const buckets = createLocalTokenBuckets({ now: () => now });
  beforeEach(() => {
    now += 1_000_000; // a quiet spell: every bucket full again
  });

  it('grants `burst` tokens at once, then one every 1/rate seconds, each told when its token comes', async () => {
    const limits = { ratePerSecond: 10, burst: 3 };
    const waits: number[] = [];
    for (let i = 0; i < 6; i += 1) waits.push((await buckets.reserve('a', limits, 10_000)).waitMs);

    expect(waits.map(Math.round)).toEqual([0, 0, 0, 100, 200, 300]);
  });

  it('takes nothing when the token would come after the caller’s wait, and says when it would', async () => {
    const limits = { ratePerSecond: 2, burst: 1 };
    await buckets.reserve('b', limits, 0);

    expect(await buckets.reserve('b', limits, 400)).toEqual({ granted: false, waitMs: 500 });
    expect(await buckets.reserve('b', limits, 500)).toEqual({ granted: true, waitMs: 500 });
  });

  it('refills with time, never beyond the burst', async () => {
    const limits = { ratePerSecond: 10, burst: 2 };
    for (let i = 0; i < 2; i += 1) await buckets.reserve('c', limits, 0);
    now += 1_000; // ten tokens' worth of time; the bucket holds two

    const waits = [];
    for (let i = 0; i < 3; i += 1) waits.push((await buckets.reserve('c', limits, 10_000)).waitMs);
    expect(waits.map(Math.round)).toEqual([0, 0, 100]);
  });

  it('after a throttle: half the rate and no burst, for the penalty’s time', async () => {
    const limits = { ratePerSecond: 10, burst: 5 };
    await buckets.penalize('d', 2_000);

    const waits = [];
    for (let i = 0; i < 3; i += 1) waits.push((await buckets.reserve('d', limits, 10_000)).waitMs);
    expect(waits.map(Math.round)).toEqual([0, 200, 400]);
  });

  it('started empty (a replica falling back from Redis), the first token comes one interval later', async () => {
    const empty = createLocalTokenBuckets({ now: () => now, startEmpty: true });

    expect(await empty.reserve('g', { ratePerSecond: 5, burst: 3 }, 10_000)).toEqual({ granted: true, waitMs: 200 });
  });

  it('keeps each key to itself', async () => {
    const limits = { ratePerSecond: 1, burst: 1 };
    await buckets.reserve('e', limits, 0);

    expect(await buckets.reserve('f', limits, 0)).toEqual({ granted: true, waitMs: 0 });
  });
});
