import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ClusterNotFoundFault,
  RedshiftClient,
  RedshiftServiceException,
  RegisterNamespaceCommand,
} from '@aws-sdk/client-redshift';
import { mockClient } from 'aws-sdk-client-mock';
import request from 'supertest';
import { createMemoryIdempotencyStore } from '../../src/http/idempotency/memory-store';
import { buildTestApp } from '../helpers/app';
import { provisionedBody } from '../helpers/bodies';
import { OTHER_API_KEY, TEST_API_KEY } from '../helpers/config';

const redshift = mockClient(RedshiftClient);
beforeEach(() => {
  redshift.reset();
  redshift.on(RegisterNamespaceCommand).resolves({ Status: 'Registering' });
});

const post = (
  app: Parameters<typeof request>[0],
  key: string | undefined,
  body: object = provisionedBody(),
  apiKey = TEST_API_KEY,
) => {
  const req = request(app).post('/namespaces/registrations').set('X-API-Key', apiKey);
  return (key === undefined ? req : req.set('Idempotency-Key', key)).send(body);
};
const upstreamCalls = () => redshift.commandCalls(RegisterNamespaceCommand).length;

describe('Idempotency-Key', () => {
  it('a repeat with the same key and body gets the identical answer, marked replayed, without a second Redshift call', async () => {
    const { app, audit } = buildTestApp();

    const first = await post(app, 'key-1');
    const again = await post(app, 'key-1');

    expect(first.status).toBe(202);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(again.status).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    expect(again.text).toBe(first.text);
    expect(upstreamCalls()).toBe(1);
    expect(audit).toHaveLength(1);
  });

  it('the same body with keys reordered counts as the same request', async () => {
    const { app } = buildTestApp();
    const body = provisionedBody();

    await post(app, 'key-1', body);
    const again = await post(app, 'key-1', {
      ConsumerIdentifiers: body.ConsumerIdentifiers,
      NamespaceIdentifier: body.NamespaceIdentifier,
    });

    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('a quoted key (a Structured Field string) is the same key', async () => {
    const { app } = buildTestApp();

    await post(app, 'key-1');
    const again = await post(app, '"key-1"');

    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('the same key with another body gets 422 idempotency-key-reuse', async () => {
    const { app } = buildTestApp();

    await post(app, 'key-1', provisionedBody('analytics-prod'));
    const other = await post(app, 'key-1', provisionedBody('analytics-dev'));

    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ type: '/problems/idempotency-key-reuse', status: 422 });
    expect(upstreamCalls()).toBe(1);
  });

  it('the same key on the other endpoint is another request: 422', async () => {
    const { app } = buildTestApp();

    await post(app, 'key-1');
    const other = await request(app)
      .post('/namespaces/deregistrations')
      .set('X-API-Key', TEST_API_KEY)
      .set('Idempotency-Key', 'key-1')
      .send(provisionedBody());

    expect(other.status).toBe(422);
  });

  it('a concurrent duplicate while the first still runs gets 409 idempotency-key-in-use', async () => {
    let release: () => void = () => undefined;
    redshift
      .on(RegisterNamespaceCommand)
      .callsFake(() => new Promise((resolve) => (release = () => resolve({ Status: 'Registering' }))));
    const { app } = buildTestApp();

    const first = post(app, 'key-1').then((res) => res);
    while (upstreamCalls() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const duplicate = await post(app, 'key-1');
    release();

    expect(duplicate.status).toBe(409);
    expect(duplicate.body.type).toBe('/problems/idempotency-key-in-use');
    expect((await first).status).toBe(202);
    expect(upstreamCalls()).toBe(1);
  });

  it('is scoped to the caller: another caller with the same key runs anew', async () => {
    const { app } = buildTestApp();

    await post(app, 'key-1', provisionedBody(), TEST_API_KEY);
    const other = await post(app, 'key-1', provisionedBody(), OTHER_API_KEY);

    expect(other.status).toBe(202);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(upstreamCalls()).toBe(2);
  });

  it('stores a 4xx answer too: a repeat gets the same 404 without calling Redshift', async () => {
    redshift
      .on(RegisterNamespaceCommand)
      .rejects(new ClusterNotFoundFault({ message: 'x', $metadata: { httpStatusCode: 404 } }));
    const { app } = buildTestApp();

    const first = await post(app, 'key-1');
    const again = await post(app, 'key-1');

    expect(first.status).toBe(404);
    expect(again.status).toBe(404);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(again.text).toBe(first.text);
    expect(upstreamCalls()).toBe(1);
  });

  it('does not store a 503: a retry with the same key runs again and can succeed', async () => {
    redshift
      .on(RegisterNamespaceCommand)
      .rejectsOnce(
        new RedshiftServiceException({
          name: 'Throttling',
          message: 'x',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
        }),
      )
      .resolves({ Status: 'Registering' });
    const { app } = buildTestApp();

    const throttled = await post(app, 'key-1');
    const retried = await post(app, 'key-1');

    expect(throttled.status).toBe(503);
    expect(retried.status).toBe(202);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(upstreamCalls()).toBe(2);
  });

  it('a body that fails the contract is not stored: corrected, it runs under the same key', async () => {
    const { app } = buildTestApp();

    const invalid = await post(app, 'key-1', { ...provisionedBody(), ConsumerIdentifiers: [] });
    const corrected = await post(app, 'key-1');

    expect(invalid.status).toBe(400);
    expect(corrected.status).toBe(202);
  });

  it.each([
    ['an over-long key', 'k'.repeat(256)],
    ['a key with a space', 'two words'],
    ['a key with a double quote inside', 'a"b'],
  ])('refuses %s with 400 validation-failed', async (_name, key) => {
    const { app } = buildTestApp();

    const res = await post(app, key);

    expect(res.status).toBe(400);
    expect(res.body.type).toBe('/problems/validation-failed');
    expect(res.body.errors[0]).toEqual({
      pointer: '/headers/idempotency-key',
      detail: expect.stringMatching(/printable ASCII/),
    });
    expect(upstreamCalls()).toBe(0);
  });

  it('without a key, every request runs', async () => {
    const { app } = buildTestApp();

    await post(app, undefined);
    await post(app, undefined);

    expect(upstreamCalls()).toBe(2);
  });
});

describe('Idempotency-Key when the client goes away', () => {
  it('the key stays claimed until the handler settles: a retry gets 409, then the stored answer; Redshift is called once', async () => {
    let finishUpstream: () => void = () => undefined;
    redshift
      .on(RegisterNamespaceCommand)
      .callsFake(() => new Promise((resolve) => (finishUpstream = () => resolve({ Status: 'Registering' }))));
    const { app } = buildTestApp();
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      // The first client sends its request and gives up before the answer.
      const body = JSON.stringify(provisionedBody());
      const abandoned = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/namespaces/registrations',
        headers: { 'Content-Type': 'application/json', 'X-API-Key': TEST_API_KEY, 'Idempotency-Key': 'gone-1' },
      });
      abandoned.on('error', () => undefined);
      abandoned.end(body);
      await waitFor(() => upstreamCalls() === 1);
      abandoned.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));

      const whileRunning = await post(server, 'gone-1');
      finishUpstream();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const afterwards = await post(server, 'gone-1');

      expect(whileRunning.status).toBe(409);
      expect(whileRunning.body.type).toBe('/problems/idempotency-key-in-use');
      expect(afterwards.status).toBe(202);
      expect(afterwards.headers['idempotent-replayed']).toBe('true');
      expect(upstreamCalls()).toBe(1);
    } finally {
      server.close();
    }
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error('condition not met in time');
}

describe('the in-memory store', () => {
  it('forgets an answer after IDEMPOTENCY_TTL_SECONDS', async () => {
    let clock = 0;
    const store = createMemoryIdempotencyStore({ ttlMs: 1_000, claimTtlMs: 500, maxEntries: 10, now: () => clock });
    const claim = await store.claim('k', 'f', 'caller');
    if (claim.outcome !== 'claimed') throw new Error('not claimed');
    await store.complete('k', claim.token, 'f', { status: 202, contentType: 'application/json', body: '{}' });

    clock = 999;
    expect((await store.claim('k', 'f', 'caller')).outcome).toBe('completed');
    clock = 1_000;
    expect((await store.claim('k', 'f', 'caller')).outcome).toBe('claimed');
  });

  it('lets a claim whose request died expire', async () => {
    let clock = 0;
    const store = createMemoryIdempotencyStore({ ttlMs: 1_000, claimTtlMs: 500, maxEntries: 10, now: () => clock });
    await store.claim('k', 'f', 'caller');

    expect((await store.claim('k', 'f', 'caller')).outcome).toBe('in-progress');
    clock = 500;
    expect((await store.claim('k', 'f', 'caller')).outcome).toBe('claimed');
  });

  it('holds at most maxEntries, evicting the oldest completed record first, never a claim in flight', async () => {
    const store = createMemoryIdempotencyStore({ ttlMs: 60_000, claimTtlMs: 60_000, maxEntries: 3 });
    const answer = { status: 202, contentType: 'application/json', body: '{}' };
    const inFlight = await store.claim('a', 'f', 'caller');
    for (const key of ['b', 'c']) {
      const claim = await store.claim(key, 'f', 'caller');
      if (claim.outcome === 'claimed') await store.complete(key, claim.token, 'f', answer);
    }
    await store.claim('d', 'f', 'caller');

    expect(inFlight.outcome).toBe('claimed');
    expect(store.size()).toBe(3);
    expect((await store.claim('a', 'f', 'caller')).outcome).toBe('in-progress');
    expect((await store.claim('c', 'f', 'caller')).outcome).toBe('completed');
    await expect(store.claim('e', 'f', 'caller')).resolves.toMatchObject({ outcome: 'claimed' });
    await expect(store.claim('g', 'f', 'caller')).rejects.toMatchObject({ name: 'IdempotencyStoreFullError' });
  });

  it('leaves a claim taken over by another request alone', async () => {
    let clock = 0;
    const store = createMemoryIdempotencyStore({ ttlMs: 1_000, claimTtlMs: 100, maxEntries: 10, now: () => clock });
    const stale = await store.claim('k', 'f', 'caller');
    clock = 100;
    const fresh = await store.claim('k', 'f', 'caller');
    if (stale.outcome !== 'claimed' || fresh.outcome !== 'claimed') throw new Error('not claimed');

    await store.release('k', stale.token);

    expect((await store.claim('k', 'f', 'caller')).outcome).toBe('in-progress');
  });
});
