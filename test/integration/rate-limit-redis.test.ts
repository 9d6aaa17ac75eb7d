import { provisionedBody } from '../helpers/bodies';
import { TEST_API_KEY } from '../helpers/config';
import type { GatewayProcess } from '../helpers/gateway-process';
import { describeWithRedis } from '../helpers/redis-server';
import { replicasOnRedis } from '../helpers/replicas-on-redis';

// Several replicas share one per-caller limit through Redis; with Redis down each replica counts on
// its own (the limit holds per replica) and says so in a metric, until Redis is back.
describeWithRedis('the rate limit shared by replicas through Redis', () => {
  const LIMIT = 5;
  const stack = replicasOnRedis({ RATE_LIMIT_PER_MINUTE: String(LIMIT) }, 'rate limit store (Redis) connected');

  const register = (replica: GatewayProcess) =>
    fetch(`${replica.url}/namespaces/registrations`, {
      method: 'POST',
      headers: { 'X-API-Key': TEST_API_KEY, 'Content-Type': 'application/json' },
      body: JSON.stringify(provisionedBody()),
    });
  const statuses = async (replica: GatewayProcess, count: number) => {
    const answers: number[] = [];
    for (let i = 0; i < count; i += 1) answers.push((await register(replica)).status);
    return answers;
  };
  const fallbacks = async (replica: GatewayProcess) => {
    const text = await (await fetch(`${replica.url}/metrics`)).text();
    return Number(/^gateway_rate_limit_local_fallbacks_total (\d+)/m.exec(text)?.[1]);
  };

  it('holds across both replicas: the caller gets LIMIT answers in all, then 429 from either', async () => {
    const [a, b] = stack.replicas;

    const fromA = await statuses(a, 3);
    const fromB = await statuses(b, 3);
    const refused = await register(a);

    expect([...fromA, ...fromB]).toEqual([202, 202, 202, 202, 202, 429]);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await fallbacks(a)).toBe(0);
  });

  it('with Redis down, every request is still answered and each replica counts on its own; shared again once Redis is back', async () => {
    const [a, b] = stack.replicas;
    await stack.redis.stop();

    const fromA = await statuses(a, LIMIT + 1);
    const fromB = await statuses(b, 1);

    expect(fromA).toEqual([...Array<number>(LIMIT).fill(202), 429]);
    expect(fromB).toEqual([202]);
    expect(await fallbacks(a)).toBe(LIMIT + 1);
    expect(a.output().stdout).toContain('rate limit store (Redis) error; counting in this replica');

    await stack.redis.restart();
    const deadline = Date.now() + 10_000;
    while (!b.output().stdout.includes('rate limit store (Redis) reachable again') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Redis restarted empty: the shared count starts again, whatever each replica counted alone.
    expect(await statuses(b, LIMIT + 1)).toEqual([...Array<number>(LIMIT).fill(202), 429]);
  }, 30_000);
});
