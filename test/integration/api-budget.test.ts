import request from 'supertest';
import type { RecordedCall } from '../emulator/state';
import { provisionedBody } from '../helpers/bodies';
import { OTHER_API_KEY, sha256Hex, TEST_API_KEY } from '../helpers/config';
import type { GatewayProcess } from '../helpers/gateway-process';
import { startLocalStack, type LocalStack } from '../helpers/local-stack';
import { describeWithRedis } from '../helpers/redis-server';
import { replicasOnRedis } from '../helpers/replicas-on-redis';

// The AWS API budget over the real SDK and the emulator, which throttles each account's writes as AWS
// does (`accountRateLimits`): calls wait their turn for a token instead of being throttled, callers are
// served in turn, replicas share one bucket through Redis, and without Redis each takes its share.

const THIRD_API_KEY = 'third-key-00112233445566778899';
const API_KEYS = [
  `ci-pipeline:${sha256Hex(TEST_API_KEY)}`,
  `data-team:${sha256Hex(OTHER_API_KEY)}`,
  `third-team:${sha256Hex(THIRD_API_KEY)}`,
].join(',');

const writes = (calls: RecordedCall[]) => calls.filter((call) => call.action === 'RegisterNamespace');
const throttled = (calls: RecordedCall[]) => writes(calls).filter((call) => call.code === 'Throttling');
/** Seconds from the first write the emulator saw to the last. */
const spanSeconds = (calls: RecordedCall[]) => {
  const times = writes(calls).map((call) => Date.parse(call.at));
  return (Math.max(...times) - Math.min(...times)) / 1000;
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('the AWS API budget in one gateway', () => {
  const RATE = 20;
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ API_KEYS, UPSTREAM_BUDGET_WRITES_PER_SECOND: String(RATE) });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.emulator.reset();
    stack.emulator.setFaults({ accountRateLimits: [{ family: 'write', perSecond: RATE }] });
  });

  it('serves callers in turn: a caller sending ten times as much does not make the others wait, and AWS throttles nothing', async () => {
    const started = Date.now();
    const send = (apiKey: string, count: number) =>
      Array.from({ length: count }, () =>
        request(stack.url)
          .post('/namespaces/registrations')
          .set('X-API-Key', apiKey)
          .send(provisionedBody())
          .then((res) => ({ status: res.status, seconds: (Date.now() - started) / 1000 })),
      );

    const [heavy, lightA, lightB] = await Promise.all([
      Promise.all(send(TEST_API_KEY, 50)),
      Promise.all(send(OTHER_API_KEY, 5)),
      Promise.all(send(THIRD_API_KEY, 5)),
    ]);

    expect([...heavy, ...lightA, ...lightB].map((answer) => answer.status)).toEqual(Array(60).fill(202));
    expect(throttled(stack.emulator.calls())).toEqual([]);
    // In turn, the light callers are done long before the heavy one is half way (first come, first
    // served, they would come after all of its calls).
    const heavyMedian = median(heavy.map((answer) => answer.seconds));
    for (const light of [lightA, lightB]) {
      expect(Math.max(...light.map((answer) => answer.seconds))).toBeLessThan(heavyMedian);
    }
    // 60 writes at 20 a second, the first at once.
    expect(spanSeconds(stack.emulator.calls())).toBeGreaterThanOrEqual(((60 - 1) / RATE) * 0.9);
    const metrics = (await request(stack.url).get('/metrics')).text;
    expect(metrics).toContain('gateway_aws_budget_tokens_total{target="default",family="write"} 60');
  }, 30_000);

  it('answers 503 with a Retry-After from the bucket, before any AWS call, when the token cannot come within the deadline', async () => {
    // UPSTREAM_TIMEOUT_MS is 10 s: at 20 a second, about 200 calls fit; 250 at once leave the last ones out.
    const answers = await Promise.all(
      Array.from({ length: 250 }, () =>
        request(stack.url).post('/namespaces/registrations').set('X-API-Key', TEST_API_KEY).send(provisionedBody()),
      ),
    );

    const refused = answers.filter((res) => res.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(answers.filter((res) => res.status === 202).length + refused.length).toBe(250);
    for (const res of refused) {
      expect(res.body.type).toBe('/problems/upstream-unavailable');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    // Every AWS call made was a granted one: none was throttled, none made for a refused request.
    expect(writes(stack.emulator.calls())).toHaveLength(250 - refused.length);
    expect(throttled(stack.emulator.calls())).toEqual([]);
  }, 30_000);
});

describeWithRedis('the AWS API budget shared by replicas through Redis', () => {
  const RATE = 10;
  const stack = replicasOnRedis(
    { RATE_LIMIT_PER_MINUTE: '100000', UPSTREAM_BUDGET_WRITES_PER_SECOND: String(RATE), UPSTREAM_BUDGET_REPLICAS: '2' },
    'AWS API budget (Redis) connected',
  );
  beforeEach(() => {
    stack.emulator.reset();
    stack.emulator.setFaults({ accountRateLimits: [{ family: 'write', perSecond: RATE }] });
  });

  const burst = (count: number) =>
    Promise.all(
      Array.from({ length: count }, (_, i) =>
        fetch(`${stack.replicas[i % 2]!.url}/namespaces/registrations`, {
          method: 'POST',
          headers: { 'X-API-Key': TEST_API_KEY, 'Content-Type': 'application/json' },
          body: JSON.stringify(provisionedBody()),
        }).then((res) => res.status),
      ),
    );
  const fallbacks = async (replica: GatewayProcess) =>
    Number(
      /^gateway_aws_budget_local_fallbacks_total (\d+)/m.exec(
        await (await fetch(`${replica.url}/metrics`)).text(),
      )?.[1],
    );

  it('two processes draw from one bucket: together they keep to the account’s rate, and AWS throttles nothing', async () => {
    const statuses = await burst(30);

    expect(statuses).toEqual(Array(30).fill(202));
    expect(throttled(stack.emulator.calls())).toEqual([]);
    // One bucket at 10 a second for both: two buckets would have let them through twice as fast.
    expect(spanSeconds(stack.emulator.calls())).toBeGreaterThanOrEqual(((30 - 1) / RATE) * 0.9);
    expect(await fallbacks(stack.replicas[0])).toBe(0);
  }, 30_000);

  it('with Redis dead, each replica takes its share of the rate: every request answered, AWS sees no more than the shares', async () => {
    await stack.redis.stop();

    const statuses = await burst(30);

    expect(statuses).toEqual(Array(30).fill(202));
    expect(throttled(stack.emulator.calls())).toEqual([]);
    // Each replica at 5 a second, 15 calls each: about 3 s.
    expect(spanSeconds(stack.emulator.calls())).toBeGreaterThanOrEqual(((15 - 1) / (RATE / 2)) * 0.9);
    expect(await fallbacks(stack.replicas[0])).toBeGreaterThan(0);
    expect(stack.replicas[0].output().stdout).toContain(
      'AWS API budget (Redis) error; each replica takes its share (1/2)',
    );
  }, 30_000);
});
