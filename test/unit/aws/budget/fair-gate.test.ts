import { createFairGate, type RefusalReason } from '../../../../src/aws/budget/fair-gate';
import { createLocalTokenBuckets } from '../../../../src/aws/budget/token-bucket';
import { UpstreamUnavailableError } from '../../../../src/domain/errors';

// The fair gate on real time with a fast bucket: who gets the tokens, in which order, and who is refused.

function gate({ rate = 200, maxWaiting = 1000 } = {}) {
  const refusals: RefusalReason[] = [];
  const granted: number[] = [];
  const fair = createFairGate({
    buckets: createLocalTokenBuckets(),
    key: 'k',
    limits: { ratePerSecond: rate, burst: 1 },
    replicaRatePerSecond: rate,
    maxWaiting,
    onGranted: (seconds) => granted.push(seconds),
    onRefused: (reason) => refusals.push(reason),
  });
  return { fair, refusals, granted };
}

describe('the fair gate', () => {
  it('serves waiting callers in turn: a caller with ten times as many calls does not hold the others back', async () => {
    const { fair } = gate();
    const order: string[] = [];
    const send = (caller: string, n: number) =>
      Array.from({ length: n }, () => fair.pass(caller, 10_000).then(() => order.push(caller)));

    await Promise.all([...send('heavy', 20), ...send('light-a', 2), ...send('light-b', 2)]);

    // The first token is the heavy caller's (it came first); then one each in turn until the light are done.
    expect(order.slice(0, 7)).toEqual(['heavy', 'light-a', 'light-b', 'heavy', 'light-a', 'light-b', 'heavy']);
    expect(order.slice(7)).toEqual(Array(17).fill('heavy'));
  });

  it('refuses at the door, with a Retry-After from its turn, a call that cannot have a token within its wait', async () => {
    const { fair, refusals } = gate({ rate: 10 });
    const waiting = Array.from({ length: 5 }, () => fair.pass('heavy', 10_000));

    // Five ahead of it at 10/s: half a second; it may wait 100 ms.
    const refused = await fair.pass('heavy', 100).catch((error: unknown) => error);
    // Another caller is next in turn: it would wait for one token only.
    const light = fair.pass('light', 300);

    expect(refused).toBeInstanceOf(UpstreamUnavailableError);
    expect((refused as UpstreamUnavailableError).retryAfterSeconds).toBe(1);
    expect(refusals).toEqual(['deadline']);
    await expect(light).resolves.toBeUndefined();
    await Promise.all(waiting);
  });

  it('bounds the calls waiting, and answers every one of them at once on shutdown', async () => {
    const { fair, refusals } = gate({ rate: 1, maxWaiting: 3 });
    const first = fair.pass('a', 60_000); // the bucket's one token
    const waiting = [fair.pass('a', 60_000), fair.pass('b', 60_000)].map((p) => p.catch((error: unknown) => error));
    const full = await fair.pass('c', 60_000).catch((error: unknown) => error);

    await first;
    fair.closeAll();
    const answered = await Promise.all(waiting);
    const later = await fair.pass('d', 60_000).catch((error: unknown) => error);

    expect(full).toBeInstanceOf(UpstreamUnavailableError);
    for (const error of [...answered, later]) expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(refusals).toEqual(['full', 'shutdown', 'shutdown', 'shutdown']);
    expect(fair.waiting()).toBe(0);
  });

  it('reports how long each granted call waited', async () => {
    const { fair, granted } = gate({ rate: 20 });
    await Promise.all([fair.pass('a', 5_000), fair.pass('a', 5_000), fair.pass('a', 5_000)]);

    expect(granted).toHaveLength(3);
    expect(granted[2]).toBeGreaterThanOrEqual(0.09);
  });
});
