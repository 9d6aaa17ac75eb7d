import request from 'supertest';
import { provisionedBody } from '../helpers/bodies';
import { TEST_API_KEY } from '../helpers/config';
import { startLocalStack, type LocalStack } from '../helpers/local-stack';

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const assumeRoleCalls = (s: LocalStack) => s.emulator.calls().filter((call) => call.action === 'AssumeRole').length;

async function readyzUntil(url: string, status: number): Promise<request.Response> {
  for (let i = 0; i < 200; i += 1) {
    const res = await request(url).get('/readyz');
    if (res.status === status) return res;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`/readyz never answered ${status}`);
}

describe('readiness against the emulator', () => {
  it('is 503 until the role is assumed, then 200; probes do not call STS once ready', async () => {
    stack = await startLocalStack();

    const before = await request(stack.url).get('/readyz');
    stack.gateway.warmUp();
    await readyzUntil(stack.url, 200);
    const calls = assumeRoleCalls(stack);
    for (let i = 0; i < 20; i += 1) await request(stack.url).get('/readyz');

    expect(before.status).toBe(503);
    expect(before.body).toEqual({ status: 'not-ready', reason: 'the role has not been assumed yet' });
    expect(assumeRoleCalls(stack)).toBe(calls);
  });

  it('while the role cannot be assumed, says why and tries STS at most every few seconds; recovers on its own', async () => {
    stack = await startLocalStack({}, { assumeRoleFailure: 'AccessDenied' });
    stack.gateway.warmUp();

    const failing = await readyzUntil(stack.url, 503);
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (let i = 0; i < 20; i += 1) await request(stack.url).get('/readyz');
    const callsWhileFailing = assumeRoleCalls(stack);
    stack.emulator.setFaults({ assumeRoleFailure: null });
    const recovered = await readyzUntil(stack.url, 200);

    expect(failing.body.reason).toMatch(/not been assumed yet|cannot be assumed \(AccessDenied\)/);
    expect(callsWhileFailing).toBeLessThanOrEqual(2);
    expect(recovered.body).toEqual({ status: 'ready' });
  }, 20_000);

  it('turns 503 at once when draining begins', async () => {
    stack = await startLocalStack();
    stack.gateway.warmUp();
    await readyzUntil(stack.url, 200);

    stack.gateway.lifecycle.startDraining();
    const res = await request(stack.url).get('/readyz');

    expect(res.status).toBe(503);
    expect(res.body.reason).toBe('the gateway is shutting down');
    expect(res.headers.connection).toBe('close');
  });
});

describe('metrics against the emulator', () => {
  it('count upstream calls by outcome and AWS code, and AssumeRole calls', async () => {
    stack = await startLocalStack();
    const post = (cluster: string) =>
      request(stack!.url)
        .post('/namespaces/registrations')
        .set('X-API-Key', TEST_API_KEY)
        .send(provisionedBody(cluster));
    await post('analytics-prod');
    await post('no-such-cluster');

    const text = (await request(stack.url).get('/metrics')).text;

    expect(text).toContain(
      'gateway_upstream_calls_total{target="default",operation="RegisterNamespace",outcome="ok",code=""} 1',
    );
    expect(text).toContain(
      'gateway_upstream_calls_total{target="default",operation="RegisterNamespace",outcome="error",code="ClusterNotFound"} 1',
    );
    expect(text).toContain('gateway_sts_assume_role_calls_total{target="default",outcome="ok"} 1');
    expect(text).toMatch(
      /gateway_upstream_call_duration_seconds_count\{target="default",operation="RegisterNamespace",outcome="ok"\} 1/,
    );
  });
});
