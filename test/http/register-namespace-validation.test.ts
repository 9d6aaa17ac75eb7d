import { RedshiftClient } from '@aws-sdk/client-redshift';
import { mockClient } from 'aws-sdk-client-mock';
import request from 'supertest';
import { buildTestApp } from '../helpers/app';
import { provisionedBody, serverlessBody } from '../helpers/bodies';
import { TEST_API_KEY, testConfig } from '../helpers/config';

const redshift = mockClient(RedshiftClient);
const { app } = buildTestApp({ config: testConfig({ BODY_LIMIT: '2kb' }) });

function post(body: string, contentType = 'application/json') {
  return request(app)
    .post('/namespaces/registrations')
    .set('Authorization', `Bearer ${TEST_API_KEY}`)
    .set('Content-Type', contentType)
    .send(body);
}

type Body = Record<string, unknown>;
const withIdentifier = (NamespaceIdentifier: unknown): Body => ({ ...provisionedBody(), NamespaceIdentifier });
const withConsumers = (ConsumerIdentifiers: unknown): Body => ({ ...provisionedBody(), ConsumerIdentifiers });
const withCluster = (ClusterIdentifier: unknown): Body =>
  withIdentifier({ ProvisionedIdentifier: { ClusterIdentifier } });
const withServerless = (fields: Body): Body => ({
  ...serverlessBody(),
  NamespaceIdentifier: {
    ServerlessIdentifier: { ...serverlessBody().NamespaceIdentifier.ServerlessIdentifier, ...fields },
  },
});

// Each body breaks exactly one rule of the contract.
const cases: [string, Body, string, RegExp][] = [
  [
    'both union members',
    withIdentifier({ ...provisionedBody().NamespaceIdentifier, ...serverlessBody().NamespaceIdentifier }),
    '/NamespaceIdentifier',
    /^must set exactly one of ProvisionedIdentifier or ServerlessIdentifier, not both$/,
  ],
  [
    'neither union member',
    withIdentifier({}),
    '/NamespaceIdentifier',
    /^must set exactly one of ProvisionedIdentifier or ServerlessIdentifier; it sets neither$/,
  ],
  [
    'an extra key at the top',
    { ...provisionedBody(), Extra: 1 },
    '/Extra',
    /^is not a known field; expected NamespaceIdentifier and ConsumerIdentifiers$/,
  ],
  [
    'an extra key in the union',
    withIdentifier({ ...provisionedBody().NamespaceIdentifier, Other: {} }),
    '/NamespaceIdentifier/Other',
    /^is not a known field; expected ProvisionedIdentifier and ServerlessIdentifier$/,
  ],
  [
    'an extra key in ProvisionedIdentifier',
    withIdentifier({ ProvisionedIdentifier: { ClusterIdentifier: 'analytics-prod', Region: 'x' } }),
    '/NamespaceIdentifier/ProvisionedIdentifier/Region',
    /^is not a known field; expected ClusterIdentifier$/,
  ],
  [
    'an extra key in ServerlessIdentifier',
    withServerless({ Account: 'x' }),
    '/NamespaceIdentifier/ServerlessIdentifier/Account',
    /^is not a known field; expected NamespaceIdentifier and WorkgroupIdentifier$/,
  ],
  ['a prototype-pollution key', JSON.parse('{"__proto__": {"x": 1}}') as Body, '/__proto__', /is not a known field/],
  [
    'NamespaceIdentifier missing',
    { ConsumerIdentifiers: ['DataCatalog/111122223333'] },
    '/NamespaceIdentifier',
    /^is required$/,
  ],
  [
    'ConsumerIdentifiers missing',
    { NamespaceIdentifier: provisionedBody().NamespaceIdentifier },
    '/ConsumerIdentifiers',
    /^is required$/,
  ],
  [
    'ClusterIdentifier missing',
    withIdentifier({ ProvisionedIdentifier: {} }),
    '/NamespaceIdentifier/ProvisionedIdentifier/ClusterIdentifier',
    /^is required$/,
  ],
  [
    'WorkgroupIdentifier missing',
    withIdentifier({ ServerlessIdentifier: { NamespaceIdentifier: 'sales-ns' } }),
    '/NamespaceIdentifier/ServerlessIdentifier/WorkgroupIdentifier',
    /^is required$/,
  ],
  [
    'NamespaceIdentifier of the wrong type',
    withIdentifier('analytics-prod'),
    '/NamespaceIdentifier',
    /^must be an object$/,
  ],
  [
    'ClusterIdentifier of the wrong type',
    withCluster(42),
    '/NamespaceIdentifier/ProvisionedIdentifier/ClusterIdentifier',
    /^must be a string$/,
  ],
  [
    'ConsumerIdentifiers of the wrong type',
    withConsumers('DataCatalog/111122223333'),
    '/ConsumerIdentifiers',
    /^must be an array$/,
  ],
  ['a consumer of the wrong type', withConsumers([111122223333]), '/ConsumerIdentifiers/0', /^must be a string$/],
  [
    'an empty ClusterIdentifier',
    withCluster(''),
    '/NamespaceIdentifier/ProvisionedIdentifier/ClusterIdentifier',
    /^must not be empty$/,
  ],
  [
    'an over-long ClusterIdentifier',
    withCluster(`a${'b'.repeat(63)}`),
    '/NamespaceIdentifier/ProvisionedIdentifier/ClusterIdentifier',
    /^must be at most 63 characters long$/,
  ],
  [
    'a ClusterIdentifier against the naming rule',
    withCluster('Analytics--prod-'),
    '/NamespaceIdentifier/ProvisionedIdentifier/ClusterIdentifier',
    /^must start with a lowercase letter and hold only lowercase letters, digits and single hyphens/,
  ],
  [
    'a too-short serverless namespace',
    withServerless({ NamespaceIdentifier: 'ns' }),
    '/NamespaceIdentifier/ServerlessIdentifier/NamespaceIdentifier',
    /^must be at least 3 characters long$/,
  ],
  [
    'an over-long workgroup',
    withServerless({ WorkgroupIdentifier: 'w'.repeat(65) }),
    '/NamespaceIdentifier/ServerlessIdentifier/WorkgroupIdentifier',
    /^must be at most 64 characters long$/,
  ],
  [
    'a workgroup with a control character',
    withServerless({ WorkgroupIdentifier: 'sales\u0000wg' }),
    '/NamespaceIdentifier/ServerlessIdentifier/WorkgroupIdentifier',
    /^must hold only lowercase letters, digits and hyphens$/,
  ],
  ['zero consumer identifiers', withConsumers([]), '/ConsumerIdentifiers', /^must hold exactly one item$/],
  [
    'two consumer identifiers',
    withConsumers(['DataCatalog/111122223333', 'DataCatalog/444455556666']),
    '/ConsumerIdentifiers',
    /^must hold exactly one item$/,
  ],
  [
    'a malformed consumer identifier',
    withConsumers(['DataCatalog/1111222233']),
    '/ConsumerIdentifiers/0',
    /^must be DataCatalog\/ followed by a 12-digit AWS account id$/,
  ],
];

describe('POST /namespaces/registrations, when the body breaks the contract', () => {
  beforeEach(() => redshift.reset());

  it.each(cases)('with %s, returns 400 validation-failed naming the field', async (_name, body, pointer, detail) => {
    const res = await post(JSON.stringify(body));

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: '/problems/validation-failed',
      title: 'Request validation failed',
      status: 400,
      instance: '/namespaces/registrations',
      requestId: res.headers['x-request-id'],
    });
    expect(res.body.errors).toContainEqual({ pointer, detail: expect.stringMatching(detail) });
    expect(redshift.calls()).toHaveLength(0);
  });

  it('with several mistakes, returns one error per mistake', async () => {
    const res = await post(JSON.stringify({ NamespaceIdentifier: {}, ConsumerIdentifiers: [], Extra: true }));

    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(3);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      '/ConsumerIdentifiers',
      '/Extra',
      '/NamespaceIdentifier',
    ]);
  });

  it('with a union member and an unknown key, reports only the unknown key', async () => {
    const res = await post(JSON.stringify(withIdentifier({ ...provisionedBody().NamespaceIdentifier, Other: {} })));

    expect(res.body.errors).toEqual([
      { pointer: '/NamespaceIdentifier/Other', detail: expect.stringMatching(/^is not a known field/) },
    ]);
  });

  it('with malformed JSON, returns 400 validation-failed pointing at the whole document', async () => {
    const res = await post('{"NamespaceIdentifier": ');

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: '/problems/validation-failed',
      detail: 'The request body is not valid JSON.',
    });
    expect(res.body.errors).toEqual([{ pointer: '', detail: 'is not valid JSON' }]);
  });

  it('with a JSON value that is not an object, returns 400 validation-failed', async () => {
    const res = await post('"analytics-prod"');

    expect(res.status).toBe(400);
    expect(res.body.type).toBe('/problems/validation-failed');
  });

  it('with no body at all, returns 400 validation-failed', async () => {
    const res = await post('');

    expect(res.status).toBe(400);
    expect(res.body.type).toBe('/problems/validation-failed');
  });

  it('with a content type other than JSON, returns 415 unsupported-media-type', async () => {
    const res = await post(JSON.stringify(provisionedBody()), 'text/plain');

    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: '/problems/unsupported-media-type', status: 415 });
    expect(redshift.calls()).toHaveLength(0);
  });

  it('with a body over BODY_LIMIT, returns 413 payload-too-large', async () => {
    const res = await post(JSON.stringify({ ...provisionedBody(), Padding: 'x'.repeat(4096) }));

    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({
      type: '/problems/payload-too-large',
      status: 413,
      detail: 'The request body is larger than the limit of 2048 bytes.',
    });
    expect(redshift.calls()).toHaveLength(0);
  });
});
