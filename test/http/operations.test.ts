import { RedshiftClient, RegisterNamespaceCommand } from '@aws-sdk/client-redshift';
import { mockClient } from 'aws-sdk-client-mock';
import request from 'supertest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { buildTestApp } from '../helpers/app';
import { provisionedBody } from '../helpers/bodies';
import { TEST_API_KEY } from '../helpers/config';

const redshift = mockClient(RedshiftClient);
beforeEach(() => {
  redshift.reset();
  redshift.on(RegisterNamespaceCommand).resolves({ Status: 'Registering' });
});

describe('operations endpoints, without credentials', () => {
  it('GET /livez answers 200 with the version and the commit', async () => {
    const res = await request(buildTestApp().app).get('/livez');
    const { version } = JSON.parse(readFileSync(`${__dirname}/../../package.json`, 'utf8')) as { version: string };

    expect(res.status).toBe(200);
    // A run from the sources has no build-info.json.
    expect(res.body).toEqual({ status: 'ok', version, commit: 'unknown' });
  });

  it('GET /readyz answers 200 when ready', async () => {
    const res = await request(buildTestApp().app).get('/readyz');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready' });
  });

  it('probes stay out of the access log', async () => {
    const { app, logs } = buildTestApp();

    await request(app).get('/livez');
    await request(app).get('/readyz');
    await request(app).get('/metrics');

    expect(logs.lines).toEqual([]);
  });

  it('GET /metrics exposes request, upstream and process metrics with route templates, not raw paths', async () => {
    const { app } = buildTestApp();
    await request(app).post('/namespaces/registrations').set('X-API-Key', TEST_API_KEY).send(provisionedBody());
    await request(app).get('/no/such/path/12345');

    const res = await request(app).get('/metrics');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text).toContain(
      'gateway_http_requests_total{method="POST",route="/namespaces/registrations",status="202",caller="ci-pipeline"} 1',
    );
    expect(res.text).toContain(
      'gateway_http_requests_total{method="GET",route="unmatched",status="404",caller="none"} 1',
    );
    expect(res.text).not.toContain('12345');
    expect(res.text).toMatch(/gateway_http_request_duration_seconds_bucket\{le="0\.005",method="POST"/);
    expect(res.text).toContain('gateway_http_requests_in_flight');
    expect(res.text).toContain('process_resident_memory_bytes');
  });

  it('GET /openapi.json serves the contract the gateway validates against', async () => {
    const res = await request(buildTestApp().app).get('/openapi.json');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual(parse(readFileSync(`${__dirname}/../../openapi/gateway.yaml`, 'utf8')));
  });

  it('GET /docs serves Swagger UI from the gateway itself, under a CSP that loads nothing from elsewhere', async () => {
    const { app } = buildTestApp();

    const page = await request(app).get('/docs');
    const bundle = await request(app).get('/docs/assets/swagger-ui-bundle.js');
    const init = await request(app).get('/docs/init.js');

    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).not.toMatch(/https?:\/\//);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
    expect(init.text).toContain("url: '/openapi.json'");
  });

  it('a missing docs asset is a 404 problem', async () => {
    const res = await request(buildTestApp().app).get('/docs/assets/nope.js');

    expect(res.status).toBe(404);
    expect(res.body.type).toBe('/problems/not-found');
  });
});

describe('operations paths in the contract', () => {
  it('a wrong method on one of them answers 405 with Allow, as the contract says', async () => {
    const res = await request(buildTestApp().app).post('/livez');

    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, OPTIONS');
    expect(res.body.type).toBe('/problems/method-not-allowed');
  });
});
