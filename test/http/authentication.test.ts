import { RedshiftClient, RegisterNamespaceCommand } from '@aws-sdk/client-redshift';
import { mockClient } from 'aws-sdk-client-mock';
import request from 'supertest';
import { buildTestApp } from '../helpers/app';
import { provisionedBody } from '../helpers/bodies';
import { OTHER_API_KEY, TEST_API_KEY, testConfig } from '../helpers/config';

const redshift = mockClient(RedshiftClient);
const WRONG_KEY = 'wrong-key-not-configured-anywhere';

beforeEach(() => {
  redshift.reset();
  redshift.on(RegisterNamespaceCommand).resolves({ Status: 'Registering' });
});

function post(app: Parameters<typeof request>[0]) {
  return request(app).post('/namespaces/registrations').send(provisionedBody());
}

describe('POST /namespaces/registrations, authentication', () => {
  it('with no key, returns 401 unauthorized with WWW-Authenticate and never calls Redshift', async () => {
    const { app } = buildTestApp();

    const res = await post(app);

    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="redshift-namespace-gateway"');
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: '/problems/unauthorized', status: 401 });
    expect(redshift.calls()).toHaveLength(0);
  });

  it.each([
    ['a wrong key as Bearer', { Authorization: `Bearer ${WRONG_KEY}` }],
    ['a wrong key as X-API-Key', { 'X-API-Key': WRONG_KEY }],
    ['another scheme', { Authorization: `Basic ${Buffer.from(`u:${TEST_API_KEY}`).toString('base64')}` }],
    ['an empty Bearer', { Authorization: 'Bearer ' }],
  ])('with %s, returns 401 unauthorized', async (_name, headers) => {
    const { app } = buildTestApp();

    const res = await post(app).set(headers);

    expect(res.status).toBe(401);
    expect(res.body.type).toBe('/problems/unauthorized');
    expect(redshift.calls()).toHaveLength(0);
  });

  it.each([
    ['Authorization: Bearer', { Authorization: `Bearer ${TEST_API_KEY}` }, 'ci-pipeline'],
    ['a lower-case scheme', { Authorization: `bearer ${TEST_API_KEY}` }, 'ci-pipeline'],
    ['X-API-Key', { 'X-API-Key': OTHER_API_KEY }, 'data-team'],
  ])('with the right key through %s, returns 202 and logs the caller by name', async (_name, headers, caller) => {
    const { app, logs } = buildTestApp();

    const res = await post(app).set(headers);

    expect(res.status).toBe(202);
    expect(logs.records().find((r) => r.msg === 'request completed')).toMatchObject({ caller: `api-key:${caller}` });
  });

  it('never writes a presented key, right or wrong, to the log', async () => {
    const { app, logs } = buildTestApp();

    await post(app).set('Authorization', `Bearer ${TEST_API_KEY}`);
    await post(app).set('X-API-Key', OTHER_API_KEY);
    await post(app).set('Authorization', `Bearer ${WRONG_KEY}`);
    await post(app).set('X-API-Key', WRONG_KEY);

    expect(logs.lines.length).toBeGreaterThanOrEqual(4);
    for (const key of [TEST_API_KEY, OTHER_API_KEY, WRONG_KEY]) expect(logs.text()).not.toContain(key);
  });

  it('with AUTH_DISABLED=true and no keys, admits callers as anonymous', async () => {
    const { app, logs } = buildTestApp({ config: testConfig({ API_KEYS: undefined, AUTH_DISABLED: 'true' }) });

    const res = await post(app);

    expect(res.status).toBe(202);
    expect(logs.records().find((r) => r.msg === 'request completed')).toMatchObject({ caller: 'anonymous' });
  });

  it('authenticates before reading the body: an unknown caller with a bad body gets 401, not 400', async () => {
    const { app } = buildTestApp();

    const res = await request(app)
      .post('/namespaces/registrations')
      .set('Content-Type', 'application/json')
      .send('{bad');

    expect(res.status).toBe(401);
  });
});
