import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { loadConfig } from '../../src/config';
import { createGateway, type Gateway } from '../../src/gateway';
import { createRedisIdempotencyStore } from '../../src/http/idempotency/redis-store';
import { createLogger } from '../../src/logger';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { emulatorEnv, useEmulatorBaseCredentials } from '../emulator/gateway-env';
import { provisionedBody } from '../helpers/bodies';
import { TEST_API_KEY, testEnv } from '../helpers/config';
import { seed } from '../helpers/local-stack';
import { LogCapture } from '../helpers/log-capture';
import { describeWithRedis, startRedisServer, type RedisServer } from '../helpers/redis-server';

describeWithRedis('Idempotency-Key on Redis', () => {
  let redis: RedisServer;
  let emulator: Emulator;
  const running: { server: Server; gateway: Gateway }[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    emulator = await startEmulator({ seed });
    useEmulatorBaseCredentials(seed);
  }, 20_000);
  afterAll(async () => {
    for (const { server, gateway } of running) {
      server.closeAllConnections();
      server.close();
      gateway.destroy();
    }
    await emulator?.close();
    await redis?.stop();
  });
  beforeEach(() => emulator.reset());

  /** A replica: the production gateway on its own port, sharing the emulator and Redis. */
  async function replica(): Promise<string> {
    const config = loadConfig(
      testEnv({
        ...emulatorEnv(emulator.url, seed),
        REDIS_URL: redis.url,
        RATE_LIMIT_PER_MINUTE: '10000',
      }),
    );
    const gateway = createGateway(config, createLogger('info', new LogCapture()), {
      auditLog: { record: () => undefined },
    });
    const server = gateway.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    running.push({ server, gateway });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const post = (url: string, key?: string) => {
    const req = request(url).post('/namespaces/registrations').set('X-API-Key', TEST_API_KEY);
    return (key ? req.set('Idempotency-Key', key) : req).send(provisionedBody());
  };
  const registerCalls = () => emulator.calls().filter((call) => call.action === 'RegisterNamespace').length;

  it('a repeat on another replica gets the stored answer, and Redshift is called once', async () => {
    const [a, b] = [await replica(), await replica()];

    const first = await post(a, 'redis-key-1');
    const again = await post(b, 'redis-key-1');

    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.text).toBe(first.text);
    expect(registerCalls()).toBe(1);
  });

  it('two replicas racing on one key run the upstream call once', async () => {
    const [a, b] = [await replica(), await replica()];
    emulator.setFaults({ latencyMs: 300 });

    const answers = await Promise.all([
      post(a, 'redis-race'),
      post(b, 'redis-race'),
      post(a, 'redis-race'),
      post(b, 'redis-race'),
    ]);

    const statuses = answers.map((res) => res.status).sort();
    expect(statuses.filter((status) => status === 202)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(3);
    expect(registerCalls()).toBe(1);
  });

  it('expires answers after the TTL', async () => {
    const logger = createLogger('silent');
    const store = createRedisIdempotencyStore({
      url: redis.url,
      ttlMs: 200,
      claimTtlMs: 1_000,
      logger,
      keyPrefix: 'ttl-test:',
    });
    try {
      const claim = await store.claim('k', 'f', 'caller');
      if (claim.outcome !== 'claimed') throw new Error('not claimed');
      await store.complete('k', claim.token, 'f', { status: 202, contentType: 'application/json', body: '{}' });

      expect((await store.claim('k', 'f', 'caller')).outcome).toBe('completed');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await store.claim('k', 'f', 'caller')).outcome).toBe('claimed');
    } finally {
      await store.close();
    }
  });

  it('with Redis down, a keyed request gets a clear 503 while unkeyed ones work; it recovers when Redis returns', async () => {
    const a = await replica();
    expect((await post(a, 'before-outage')).status).toBe(202);

    await redis.stop();
    const during = await post(a, 'during-outage');
    const unkeyed = await post(a);
    await redis.restart();
    let after = await post(a, 'after-outage');
    for (let i = 0; i < 50 && after.status === 503; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await post(a, 'after-outage');
    }

    expect(during.status).toBe(503);
    expect(during.headers['retry-after']).toBe('5');
    expect(during.body).toMatchObject({
      type: '/problems/upstream-unavailable',
      detail: 'The idempotency store cannot be reached.',
    });
    expect(unkeyed.status).toBe(202);
    expect(after.status).toBe(202);
  }, 20_000);
});
