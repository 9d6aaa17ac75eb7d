import request from 'supertest';
import { provisionedBody } from '../helpers/bodies';
import { TEST_API_KEY } from '../helpers/config';
import { startLocalStack, type LocalStack } from '../helpers/local-stack';

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const register = (url: string) =>
  request(url).post('/namespaces/registrations').set('Authorization', `Bearer ${TEST_API_KEY}`).send(provisionedBody());

const count = (s: LocalStack, action: string) => s.emulator.calls().filter((call) => call.action === action).length;

describe('assumed-role credentials against the emulator', () => {
  it('100 requests, 20 at a time, cause exactly one AssumeRole', async () => {
    stack = await startLocalStack();
    const { url } = stack;

    const statuses: number[] = [];
    for (let batch = 0; batch < 5; batch += 1) {
      const answers = await Promise.all(Array.from({ length: 20 }, () => register(url)));
      statuses.push(...answers.map((res) => res.status));
    }

    expect(statuses).toEqual(Array(100).fill(202));
    expect(count(stack, 'AssumeRole')).toBe(1);
    expect(count(stack, 'RegisterNamespace')).toBe(100);
  });

  it('with a short credential lifetime, refreshes before expiry and no request fails across the refresh', async () => {
    stack = await startLocalStack();
    stack.emulator.setFaults({ credentialLifetimeSeconds: 4 });

    const statuses: number[] = [];
    const until = Date.now() + 7_000;
    while (Date.now() < until) {
      statuses.push((await register(stack.url)).status);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    expect(statuses.length).toBeGreaterThan(50);
    expect(statuses.filter((status) => status !== 202)).toEqual([]);
    // Refreshed at three quarters of each 4 s lifetime: about every 3 s over 7 s.
    expect(count(stack, 'AssumeRole')).toBeGreaterThanOrEqual(3);
    expect(count(stack, 'AssumeRole')).toBeLessThanOrEqual(4);
    expect(stack.emulator.calls().filter((call) => call.code === 'ExpiredToken')).toEqual([]);
  }, 20_000);
});
