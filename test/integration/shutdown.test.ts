import { provisionedBody } from '../helpers/bodies';
import { TEST_API_KEY } from '../helpers/config';
import { startGatewayProcess, waitForOutput, type GatewayProcess } from '../helpers/gateway-process';
import { seed } from '../helpers/local-stack';
import { startEmulator, type Emulator } from '../emulator/emulator';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ seed });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

async function ready(gateway: GatewayProcess): Promise<void> {
  await waitForOutput(gateway, 'gateway listening');
  for (let i = 0; i < 100; i += 1) {
    if ((await fetch(`${gateway.url}/readyz`)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('never ready');
}

function register(gateway: GatewayProcess, headers: Record<string, string> = {}) {
  return fetch(`${gateway.url}/namespaces/registrations`, {
    method: 'POST',
    headers: { 'X-API-Key': TEST_API_KEY, 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(provisionedBody()),
  }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> }));
}

async function untilInFlight(count: number): Promise<void> {
  while (emulator.calls().filter((call) => call.action === 'RegisterNamespace').length < count) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('graceful shutdown of the real process', () => {
  it('on SIGTERM, requests the emulator holds for a second all get their normal answer, and the exit code is 0', async () => {
    const gateway = await startGatewayProcess({}, emulator);
    await ready(gateway);
    emulator.setFaults({ latencyMs: 1_000 });

    const answers = Promise.all(Array.from({ length: 10 }, () => register(gateway)));
    await untilInFlight(10);
    gateway.child.kill('SIGTERM');

    expect((await answers).map((answer) => answer.status)).toEqual(Array(10).fill(202));
    expect(await gateway.exited).toBe(0);
    await expect(fetch(`${gateway.url}/livez`)).rejects.toThrow();
  }, 30_000);

  it('on SIGTERM, calls waiting for the AWS API budget are answered at once with 503 and Retry-After, none made', async () => {
    const gateway = await startGatewayProcess({ UPSTREAM_BUDGET_WRITES_PER_SECOND: '0.2' }, emulator);
    await ready(gateway);

    // One token now, the next in 5 s: the other three wait (Prefer: wait=60).
    const answers = Promise.all(Array.from({ length: 4 }, () => register(gateway, { Prefer: 'wait=60' })));
    await untilInFlight(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalled = Date.now();
    gateway.child.kill('SIGTERM');
    const statuses = (await answers).map((answer) => answer.status);

    // The one that had its token: 200 (done) or 202 (its waiting for the status cut short).
    expect(statuses.filter((status) => status === 503)).toHaveLength(3);
    expect(statuses.filter((status) => status === 200 || status === 202)).toHaveLength(1);
    expect(Date.now() - signalled).toBeLessThan(3_000);
    expect(emulator.calls().filter((call) => call.action === 'RegisterNamespace')).toHaveLength(1);
    expect(await gateway.exited).toBe(0);
  }, 30_000);

  it('on SIGTERM, requests waiting (Prefer: wait) for a registration are answered at once with 202, never dropped', async () => {
    const gateway = await startGatewayProcess({}, emulator);
    await ready(gateway);
    emulator.setFaults({ registrationDelayMs: 60_000 });

    const answers = Promise.all(Array.from({ length: 3 }, () => register(gateway, { Prefer: 'wait=60' })));
    await untilInFlight(3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalled = Date.now();
    gateway.child.kill('SIGTERM');

    expect((await answers).map((answer) => [answer.status, answer.body.Status])).toEqual(
      Array(3).fill([202, 'Registering']),
    );
    expect(Date.now() - signalled).toBeLessThan(3_000);
    expect(await gateway.exited).toBe(0);
  }, 30_000);

  it('past SHUTDOWN_TIMEOUT_MS, requests still in flight get a 503 problem before the exit', async () => {
    const gateway = await startGatewayProcess({ SHUTDOWN_TIMEOUT_MS: '300', UPSTREAM_TIMEOUT_MS: '20000' }, emulator);
    await ready(gateway);
    emulator.setFaults({ latencyMs: 10_000 });

    const answers = Promise.all(Array.from({ length: 3 }, () => register(gateway)));
    await untilInFlight(3);
    const signalled = Date.now();
    gateway.child.kill('SIGTERM');

    const results = await answers;
    expect(results.map((answer) => answer.status)).toEqual([503, 503, 503]);
    expect(results[0]?.body).toMatchObject({
      type: '/problems/upstream-unavailable',
      detail: expect.stringMatching(/shutting down/),
    });
    expect(await gateway.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(3_000);
  }, 30_000);
});
