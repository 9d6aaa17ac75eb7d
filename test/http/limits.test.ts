import { RedshiftClient, RegisterNamespaceCommand } from '@aws-sdk/client-redshift';
import { mockClient } from 'aws-sdk-client-mock';
import request from 'supertest';
import { buildTestApp } from '../helpers/app';
import { provisionedBody } from '../helpers/bodies';
import { OTHER_API_KEY, TEST_API_KEY, testConfig } from '../helpers/config';
import { register } from '../helpers/requests';

const redshift = mockClient(RedshiftClient);
beforeEach(() => {
  redshift.reset();
  redshift.on(RegisterNamespaceCommand).resolves({ Status: 'Registering' });
});

const post = (app: Parameters<typeof register>[0], key = TEST_API_KEY) => register(app, provisionedBody(), key);

describe('per-caller rate limit', () => {
  it('past RATE_LIMIT_PER_MINUTE, answers 429 rate-limited with Retry-After and RateLimit headers', async () => {
    const { app } = buildTestApp({ config: testConfig({ RATE_LIMIT_PER_MINUTE: '3' }) });

    const allowed = [await post(app), await post(app), await post(app)];
    const refused = await post(app);

    expect(allowed.map((res) => res.status)).toEqual([202, 202, 202]);
    expect(allowed[0]?.headers['ratelimit-policy']).toMatch(/q=3; w=60/);
    expect(allowed[2]?.headers.ratelimit).toMatch(/r=0/);
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ type: '/problems/rate-limited', status: 429 });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.headers.ratelimit).toMatch(/r=0/);
    expect(redshift.calls()).toHaveLength(3);
  });

  it('counts each caller apart', async () => {
    const { app } = buildTestApp({ config: testConfig({ RATE_LIMIT_PER_MINUTE: '1' }) });

    expect((await post(app, TEST_API_KEY)).status).toBe(202);
    expect((await post(app, OTHER_API_KEY)).status).toBe(202);
    expect((await post(app, TEST_API_KEY)).status).toBe(429);
  });
});

describe('upstream concurrency cap', () => {
  it('past MAX_CONCURRENT_UPSTREAM calls in flight, answers 503 with Retry-After at once, without queueing', async () => {
    const release: (() => void)[] = [];
    redshift
      .on(RegisterNamespaceCommand)
      .callsFake(() => new Promise((resolve) => release.push(() => resolve({ Status: 'Registering' }))));
    const { app } = buildTestApp({ config: testConfig({ MAX_CONCURRENT_UPSTREAM: '2' }) });

    const first = post(app).then((res) => res);
    const second = post(app).then((res) => res);
    while (release.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const third = await post(app);
    release.forEach((resolve) => resolve());
    redshift.on(RegisterNamespaceCommand).resolves({ Status: 'Registering' });

    expect(third.status).toBe(503);
    expect(third.headers['retry-after']).toBe('5');
    expect(third.body).toMatchObject({ type: '/problems/upstream-unavailable' });
    expect((await first).status).toBe(202);
    expect((await second).status).toBe(202);
    expect((await post(app)).status).toBe(202);
  });
});

describe('body limits', () => {
  it('refuses JSON nested deeper than JSON_MAX_DEPTH with 400 before validation', async () => {
    const { app } = buildTestApp({ config: testConfig({ JSON_MAX_DEPTH: '8' }) });
    let deep: unknown = 'x';
    for (let i = 0; i < 50; i += 1) deep = { a: deep };

    const res = await request(app)
      .post('/namespaces/registrations')
      .set('X-API-Key', TEST_API_KEY)
      .send({ ...provisionedBody(), Extra: deep });

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ pointer: '', detail: 'must not nest deeper than 8 levels' }]);
  });

  it('a deeply nested array within the size limit is refused, not a crash', async () => {
    const { app } = buildTestApp();

    const res = await request(app)
      .post('/namespaces/registrations')
      .set('X-API-Key', TEST_API_KEY)
      .set('Content-Type', 'application/json')
      .send(`${'['.repeat(5000)}${']'.repeat(5000)}`);

    expect(res.status).toBe(400);
  });

  it('prototype-pollution keys change nothing: refused as unknown fields, Object.prototype untouched', async () => {
    const { app } = buildTestApp();

    const res = await request(app)
      .post('/namespaces/registrations')
      .set('X-API-Key', TEST_API_KEY)
      .set('Content-Type', 'application/json')
      .send(
        '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"NamespaceIdentifier":{"ProvisionedIdentifier":{"ClusterIdentifier":"a"}},"ConsumerIdentifiers":["DataCatalog/111122223333"]}',
      );

    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/__proto__', '/constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(redshift.calls()).toHaveLength(0);
  });
});

describe('hardening headers', () => {
  it('sends a JSON-API CSP and no framework banner, and no CORS headers unless origins are configured', async () => {
    const { app } = buildTestApp();

    const res = await post(app).set('Origin', 'https://portal.example.com');

    expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('with CORS_ORIGINS, answers preflights for those origins only', async () => {
    const { app } = buildTestApp({ config: testConfig({ CORS_ORIGINS: 'https://portal.example.com' }) });

    const allowed = await request(app)
      .options('/namespaces/registrations')
      .set('Origin', 'https://portal.example.com')
      .set('Access-Control-Request-Method', 'POST');
    const other = await request(app)
      .options('/namespaces/registrations')
      .set('Origin', 'https://evil.example.com')
      .set('Access-Control-Request-Method', 'POST');

    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://portal.example.com');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
