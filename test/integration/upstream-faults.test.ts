import request from 'supertest';
import { provisionedBody } from '../helpers/bodies';
import { TEST_API_KEY } from '../helpers/config';
import { startLocalStack, type LocalStack } from '../helpers/local-stack';

let stack: LocalStack;
beforeAll(async () => {
  // Throttling retries back off by up to 1 s and then 2 s (the SDK's throttling base delay), so the
  // deadline leaves room for all 3 attempts (fewer would be made otherwise); each attempt is cut at 1 s.
  stack = await startLocalStack({ UPSTREAM_TIMEOUT_MS: '6000', UPSTREAM_ATTEMPT_TIMEOUT_MS: '1000' });
});
afterAll(() => stack.close());
beforeEach(() => stack.emulator.reset());

const registerOn = ({ url }: LocalStack) =>
  request(url).post('/namespaces/registrations').set('Authorization', `Bearer ${TEST_API_KEY}`).send(provisionedBody());
const registerCallsOf = ({ emulator }: LocalStack) =>
  emulator.calls().filter((call) => call.action === 'RegisterNamespace');
const register = () => registerOn(stack);
const registerCalls = () => registerCallsOf(stack);

describe('upstream faults injected by the emulator', () => {
  it('throttling of the first two calls is retried and succeeds', async () => {
    stack.emulator.setFaults({ throttleNext: 2 });

    const res = await register();

    expect(res.status).toBe(202);
    expect(registerCalls().map((call) => call.code ?? call.status)).toEqual(['Throttling', 'Throttling', 200]);
  });

  it('persistent throttling gives 503 with Retry-After after UPSTREAM_MAX_ATTEMPTS calls', async () => {
    stack.emulator.setFaults({ throttleNext: 1000 });

    const res = await register();

    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toMatchObject({ type: '/problems/upstream-unavailable', upstream: { code: 'Throttling' } });
    expect(registerCalls()).toHaveLength(3);
  });

  it('a 5xx on every attempt gives 503', async () => {
    stack.emulator.setFaults({ serverErrorNext: 1000 });

    const res = await register();

    expect(res.status).toBe(503);
    expect(res.body.upstream).toMatchObject({ code: 'InternalFailure' });
  });

  it('a dropped connection on every attempt gives 503', async () => {
    stack.emulator.setFaults({ dropNext: 1000 });

    const res = await register();

    expect(res.status).toBe(503);
    expect(res.body.type).toBe('/problems/upstream-unavailable');
  });

  it('one dropped connection is retried and succeeds', async () => {
    stack.emulator.setFaults({ dropNext: 1 });

    expect((await register()).status).toBe(202);
  });

  it('latency beyond UPSTREAM_TIMEOUT_MS gives 504 within a bounded time', async () => {
    stack.emulator.setFaults({ latencyMs: 30_000 });

    const started = Date.now();
    const res = await register();
    const elapsed = Date.now() - started;

    expect(res.status).toBe(504);
    expect(res.body.type).toBe('/problems/upstream-timeout');
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    expect(elapsed).toBeLessThan(4_500);
  }, 15_000);
});

describe('STS failures', () => {
  it('AssumeRole failing gives 502, and the gateway recovers when STS does, after its back-off', async () => {
    const fresh = await startLocalStack();
    try {
      const post = () =>
        request(fresh.url).post('/namespaces/registrations').set('X-API-Key', TEST_API_KEY).send(provisionedBody());
      fresh.emulator.setFaults({ assumeRoleFailure: 'AccessDenied' });

      const failed = await post();
      fresh.emulator.setFaults({ assumeRoleFailure: null });
      // The first back-off pause after a failed AssumeRole is at most one second.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const recovered = await post();

      expect(failed.status).toBe(502);
      expect(failed.body).toMatchObject({ type: '/problems/upstream-error', upstream: { code: 'AccessDenied' } });
      expect(recovered.status).toBe(202);
    } finally {
      await fresh.close();
    }
  });

  it('an STS outage while credentials are cached does not affect requests', async () => {
    await register();
    stack.emulator.setFaults({ assumeRoleFailure: 'ServiceUnavailable' });

    expect((await register()).status).toBe(202);
  });
});

describe('with only a short deadline set (UPSTREAM_TIMEOUT_MS=1500)', () => {
  let short: LocalStack;
  beforeAll(async () => {
    short = await startLocalStack({ UPSTREAM_TIMEOUT_MS: '1500' });
  });
  afterAll(() => short.close());
  beforeEach(() => short.emulator.reset());

  const registerOnShort = () => registerOn(short);
  const shortRegisterCalls = () => registerCallsOf(short);

  it('starts, and a throttled call is retried within the deadline', async () => {
    short.emulator.setFaults({ throttleNext: 1 });

    expect((await registerOnShort()).status).toBe(202);
    expect(shortRegisterCalls().map((call) => call.code ?? call.status)).toEqual(['Throttling', 200]);
  });

  it('persistent throttling answers once the 2 fitted attempts are spent, within the deadline', async () => {
    short.emulator.setFaults({ throttleNext: 1000 });

    const started = Date.now();
    const res = await registerOnShort();
    const elapsed = Date.now() - started;

    expect([503, 504]).toContain(res.status);
    expect(shortRegisterCalls()).toHaveLength(2);
    // The deadline (1500 ms) bounds it; the margin is for a loaded machine, not for a third attempt.
    expect(elapsed).toBeLessThan(1500 + 1000);
  }, 15_000);
});
