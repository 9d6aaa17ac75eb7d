import { gzipSync } from 'node:zlib';
import { RedshiftClient, RegisterNamespaceCommand } from '@aws-sdk/client-redshift';
import { mockClient } from 'aws-sdk-client-mock';
import request from 'supertest';
import { createMemoryIdempotencyStore } from '../../src/http/idempotency/memory-store';
import { buildTestApp } from '../helpers/app';
import { provisionedBody } from '../helpers/bodies';
import { OTHER_API_KEY, TEST_API_KEY, testConfig } from '../helpers/config';
import { AUDIENCE, ISSUER, newSigningKey, signToken, startJwksServer } from '../helpers/jwks';
import { expectProblem } from '../helpers/requests';

// What an attacker or a careless client tried, and what the gateway must answer (issue 12).

const redshift = mockClient(RedshiftClient);
beforeEach(() => {
  redshift.reset();
  redshift.on(RegisterNamespaceCommand).resolves({ Status: 'Registering' });
});

const post = (app: Parameters<typeof request>[0], path = '/namespaces/registrations') =>
  request(app).post(path).set('Authorization', `Bearer ${TEST_API_KEY}`);

describe('compressed bodies', () => {
  it.each([
    ['gzip', Buffer.from('garbage, not gzip')],
    ['br', Buffer.from('garbage, not brotli')],
    ['deflate', Buffer.from('garbage, not deflate')],
    ['gzip', gzipSync(JSON.stringify(provisionedBody()))],
    ['x-unknown', Buffer.from('{}')],
  ])('Content-Encoding %s is refused with 415 and Accept-Encoding: identity, never a 5xx', async (encoding, bytes) => {
    const { app } = buildTestApp();

    const res = await post(app).set('Content-Type', 'application/json').set('Content-Encoding', encoding).send(bytes);

    expect(res.status).toBe(415);
    expect(res.headers['accept-encoding']).toBe('identity');
    expect(res.body).toMatchObject({
      type: '/problems/unsupported-media-type',
      detail: expect.stringMatching(/uncompressed/),
    });
    expect(redshift.calls()).toHaveLength(0);
  });
});

describe('bodies outside the contract', () => {
  it('a body posted to an unknown path is not read: 404, not a JSON parse error', async () => {
    const { app } = buildTestApp();

    const res = await post(app, '/namespaces/nothing-here').set('Content-Type', 'application/json').send('{not json');

    expectProblem(res, 404, 'not-found');
  });
});

describe('OPTIONS', () => {
  it('on an operation path answers 204 with Allow, as RFC 9110 describes, not 200 text/plain', async () => {
    const { app } = buildTestApp();

    const res = await request(app).options('/namespaces/registrations');

    expect(res.status).toBe(204);
    expect(res.headers.allow).toBe('POST, OPTIONS');
    expect(res.text).toBe('');
  });

  it('on an unknown path answers the 404 problem', async () => {
    const { app } = buildTestApp();

    const res = await request(app).options('/nothing');

    expectProblem(res, 404, 'not-found');
  });
});

describe('logs', () => {
  it('never log a query string value: credentials pasted into a URL stay out of the access log', async () => {
    const { app, logs } = buildTestApp();

    await post(app, '/namespaces/registrations?api_key=s3cr3t-in-url&x=1').send(provisionedBody());

    const access = logs.records().find((line) => line.msg === 'request completed');
    expect(access?.req).toMatchObject({ url: '/namespaces/registrations?api_key=[redacted]&x=[redacted]' });
    expect(logs.text()).not.toContain('s3cr3t-in-url');
  });
});

describe('the 403 detail', () => {
  it('names the caller as it is spelt', async () => {
    const policy =
      'rules:\n  - name: r\n    apiKeys: [data-team]\n    actions: [register]\n    clusters: ["*"]\n    consumerAccounts: ["*"]\n';
    const config = testConfig({ AUTHZ_ALLOW_ALL: undefined, AUTHZ_POLICY_FILE: '/p.yaml' }, { '/p.yaml': policy });
    const { app } = buildTestApp({ config });

    const res = await post(app).send(provisionedBody());

    expect(res.status).toBe(403);
    expect(res.body.detail).toBe(
      "Caller 'ci-pipeline' may not register this namespace for this consumer in target 'default'.",
    );
  });
});

describe('metrics', () => {
  it('JWT callers count as one label value, however many identities there are', async () => {
    const key = await newSigningKey('k1');
    const jwks = await startJwksServer([key]);
    try {
      const config = testConfig({ JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, JWT_JWKS_URL: jwks.url });
      const { app } = buildTestApp({ config });
      for (const sub of ['alice', 'bob', 'mallory\r\n']) {
        await request(app)
          .post('/namespaces/registrations')
          .set('Authorization', `Bearer ${await signToken(key, { sub })}`)
          .send(provisionedBody());
      }
      await post(app).send(provisionedBody());

      const { text } = await request(app).get('/metrics');
      const callers = new Set(
        [...text.matchAll(/^gateway_http_requests_total\{[^}]*caller="([^"]*)"/gm)].map((m) => m[1]),
      );

      expect(callers).toEqual(new Set(['jwt', 'ci-pipeline']));
    } finally {
      await jwks.close();
    }
  });

  it('with METRICS_TOKEN, GET /metrics wants that bearer token', async () => {
    const { app } = buildTestApp({ config: testConfig({ METRICS_TOKEN: 'scrape-token-0123456789' }) });

    const without = await request(app).get('/metrics');
    const wrong = await request(app).get('/metrics').set('Authorization', 'Bearer scrape-token-wrong-value');
    const right = await request(app).get('/metrics').set('Authorization', 'Bearer scrape-token-0123456789');

    expect(without.status).toBe(401);
    expect(without.body.type).toBe('/problems/unauthorized');
    expect(wrong.status).toBe(401);
    expect(right.status).toBe(200);
    expect(right.text).toContain('gateway_http_requests_total');
  });
});

describe('CORS', () => {
  it('lets a browser send Idempotency-Key and read Idempotent-Replayed', async () => {
    const { app } = buildTestApp({ config: testConfig({ CORS_ORIGINS: 'https://portal.example.com' }) });

    const preflight = await request(app)
      .options('/namespaces/registrations')
      .set('Origin', 'https://portal.example.com')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'idempotency-key,content-type');
    const answer = await post(app).set('Origin', 'https://portal.example.com').send(provisionedBody());

    expect(preflight.headers['access-control-allow-headers']).toContain('Idempotency-Key');
    expect(answer.headers['access-control-expose-headers']).toContain('Idempotent-Replayed');
  });
});

describe('the in-memory idempotency store under a hostile caller', () => {
  const policy =
    'rules:\n  - name: r\n    apiKeys: [data-team]\n    actions: [register]\n    clusters: ["*"]\n    consumerAccounts: ["*"]\n';

  it('a caller the policy refuses claims no key: it cannot evict anyone', async () => {
    const config = testConfig(
      { AUTHZ_ALLOW_ALL: undefined, AUTHZ_POLICY_FILE: '/p.yaml', RATE_LIMIT_PER_MINUTE: '1000' },
      { '/p.yaml': policy },
    );
    const idempotencyStore = createMemoryIdempotencyStore({ ttlMs: 60_000, claimTtlMs: 60_000, maxEntries: 100 });
    const { app } = buildTestApp({ config, idempotencyStore });
    const victim = () =>
      request(app)
        .post('/namespaces/registrations')
        .set('X-API-Key', OTHER_API_KEY)
        .set('Idempotency-Key', 'victim-key')
        .send(provisionedBody());
    await victim();

    for (let i = 0; i < 150; i += 1) {
      const res = await post(app).set('Idempotency-Key', `attack-${i}`).send(provisionedBody());
      expect(res.status).toBe(403);
    }
    const retry = await victim();

    expect(idempotencyStore.size()).toBe(1);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(redshift.commandCalls(RegisterNamespaceCommand)).toHaveLength(1);
  });

  it("one caller's keys never push out another's, and a claim in flight is never evicted", async () => {
    const store = createMemoryIdempotencyStore({
      ttlMs: 60_000,
      claimTtlMs: 60_000,
      maxEntries: 4,
      maxEntriesPerOwner: 2,
    });
    const victimClaim = await store.claim('victim\nk', 'f', 'victim');
    if (victimClaim.outcome !== 'claimed') throw new Error('not claimed');

    // The attacker's own older completed records make room for its newer ones.
    for (let i = 0; i < 10; i += 1) {
      const claim = await store.claim(`attacker\nk${i}`, 'f', 'attacker');
      if (claim.outcome !== 'claimed') throw new Error('not claimed');
      await store.complete(`attacker\nk${i}`, claim.token, 'f', {
        status: 202,
        contentType: 'application/json',
        body: '{}',
      });
    }
    // Two attacker claims in flight: a third has nothing of its own to give up.
    await store.claim('attacker\nx1', 'f', 'attacker');
    await store.claim('attacker\nx2', 'f', 'attacker');

    await expect(store.claim('attacker\nx3', 'f', 'attacker')).rejects.toMatchObject({
      name: 'IdempotencyStoreFullError',
    });
    expect((await store.claim('victim\nk', 'f', 'victim')).outcome).toBe('in-progress');
  });
});
