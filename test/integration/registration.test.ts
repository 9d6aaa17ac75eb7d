import request from 'supertest';
import { provisionedBody } from '../helpers/bodies';
import { TEST_API_KEY } from '../helpers/config';
import { seed, startLocalStack, type LocalStack } from '../helpers/local-stack';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.emulator.reset());

const register = (body: object) =>
  request(stack.url).post('/namespaces/registrations').set('Authorization', `Bearer ${TEST_API_KEY}`).send(body);

const serverless = (NamespaceIdentifier: string, WorkgroupIdentifier: string) => ({
  NamespaceIdentifier: { ServerlessIdentifier: { NamespaceIdentifier, WorkgroupIdentifier } },
  ConsumerIdentifiers: ['DataCatalog/444455556666'],
});

const redshiftCalls = () => stack.emulator.calls().filter((call) => call.service === 'redshift');

describe('registration through the real SDK and the emulator', () => {
  it('registers a provisioned cluster: 202, and Redshift received exactly that cluster and consumer', async () => {
    const res = await register(provisionedBody('analytics-prod'));

    expect(res.status).toBe(202);
    expect(res.body).toEqual({ Status: 'Registering' });
    expect(redshiftCalls()).toEqual([
      expect.objectContaining({
        action: 'RegisterNamespace',
        status: 200,
        params: {
          Action: 'RegisterNamespace',
          Version: '2012-12-01',
          'NamespaceIdentifier.ProvisionedIdentifier.ClusterIdentifier': 'analytics-prod',
          'ConsumerIdentifiers.member.1': 'DataCatalog/111122223333',
        },
      }),
    ]);
  });

  it.each([
    ['by name', 'sales-ns'],
    ['by id', '3f1c2a9e-5b7d-4c8e-9a10-2b3c4d5e6f70'],
  ])('registers a serverless namespace %s', async (_how, namespace) => {
    const res = await register(serverless(namespace, 'sales-wg'));

    expect(res.status).toBe(202);
    expect(redshiftCalls()[0]?.params).toMatchObject({
      'NamespaceIdentifier.ServerlessIdentifier.NamespaceIdentifier': namespace,
      'NamespaceIdentifier.ServerlessIdentifier.WorkgroupIdentifier': 'sales-wg',
      'ConsumerIdentifiers.member.1': 'DataCatalog/444455556666',
    });
  });

  it.each([
    ['an unknown cluster', 404, 'cluster-not-found', 'ClusterNotFound', provisionedBody('no-such-cluster')],
    [
      'a cluster not available',
      409,
      'invalid-cluster-state',
      'InvalidClusterState',
      provisionedBody('analytics-resizing'),
    ],
    [
      'an unknown serverless namespace',
      400,
      'invalid-namespace',
      'InvalidNamespaceFault',
      serverless('no-such-ns', 'sales-wg'),
    ],
    [
      'a workgroup of another namespace',
      400,
      'invalid-namespace',
      'InvalidNamespaceFault',
      serverless('sales-ns', 'marketing-wg'),
    ],
  ])('%s gives %i %s with the upstream code %s and request id', async (_name, status, slug, code, body) => {
    const res = await register(body);

    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: `/problems/${slug}`,
      status,
      upstream: { code, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
  });

  it('signs every Redshift call with the assumed-role credentials and their token, never the base ones', async () => {
    const fresh = await startLocalStack();
    try {
      const post = (body: object) =>
        request(fresh.url).post('/namespaces/registrations').set('X-API-Key', TEST_API_KEY).send(body);
      await post(provisionedBody());
      await post(serverless('sales-ns', 'sales-wg'));

      const calls = fresh.emulator.calls();
      const assumed = calls.filter((call) => call.action === 'AssumeRole');
      const redshift = calls.filter((call) => call.service === 'redshift');
      expect(assumed).toEqual([
        expect.objectContaining({ status: 200, accessKeyId: seed.baseCredentials[0]?.accessKeyId }),
      ]);
      expect(redshift.map((call) => [call.accessKeyId, call.status])).toEqual([
        [assumed[0]?.result?.AccessKeyId, 200],
        [assumed[0]?.result?.AccessKeyId, 200],
      ]);
    } finally {
      await fresh.close();
    }
  });
});

describe('deregistration through the real SDK and the emulator', () => {
  const deregister = (body: object) =>
    request(stack.url).post('/namespaces/deregistrations').set('Authorization', `Bearer ${TEST_API_KEY}`).send(body);

  it('deregisters a provisioned cluster: 202 Deregistering, and Redshift received DeregisterNamespace', async () => {
    const res = await deregister(provisionedBody('analytics-prod'));

    expect(res.status).toBe(202);
    expect(res.body).toEqual({ Status: 'Deregistering' });
    expect(redshiftCalls()).toEqual([
      expect.objectContaining({ action: 'DeregisterNamespace', status: 200, result: { Status: 'Deregistering' } }),
    ]);
  });

  it.each([
    ['an unknown cluster', 404, 'cluster-not-found', provisionedBody('no-such-cluster')],
    ['a cluster not available', 409, 'invalid-cluster-state', provisionedBody('analytics-resizing')],
    ['a workgroup of another namespace', 400, 'invalid-namespace', serverless('sales-ns', 'marketing-wg')],
  ])('%s gives %i %s', async (_name, status, slug, body) => {
    const res = await deregister(body);

    expect(res.status).toBe(status);
    expect(res.body.type).toBe(`/problems/${slug}`);
  });
});
