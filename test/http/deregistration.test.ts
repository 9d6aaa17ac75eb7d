import {
  ClusterNotFoundFault,
  DeregisterNamespaceCommand,
  InvalidClusterStateFault,
  InvalidNamespaceFault,
  RedshiftClient,
  RedshiftServiceException,
  RegisterNamespaceCommand,
} from '@aws-sdk/client-redshift';
import { mockClient } from 'aws-sdk-client-mock';
import request from 'supertest';
import { buildTestApp } from '../helpers/app';
import { provisionedBody, serverlessBody } from '../helpers/bodies';
import { TEST_API_KEY, testConfig } from '../helpers/config';
import { deregister } from '../helpers/requests';

const redshift = mockClient(RedshiftClient);
const $metadata = { httpStatusCode: 400, requestId: 'aws-request-9' };
beforeEach(() => redshift.reset());

describe('POST /namespaces/deregistrations', () => {
  it('for a provisioned cluster, sends exactly that to DeregisterNamespace and returns 202 Deregistering', async () => {
    redshift.on(DeregisterNamespaceCommand).resolves({ Status: 'Deregistering' });
    const { app, audit } = buildTestApp();

    const res = await deregister(app);

    expect(res.status).toBe(202);
    expect(res.body).toEqual({ Status: 'Deregistering' });
    expect(redshift.commandCalls(DeregisterNamespaceCommand).map((call) => call.args[0].input)).toEqual([
      {
        NamespaceIdentifier: { ProvisionedIdentifier: { ClusterIdentifier: 'analytics-prod' } },
        ConsumerIdentifiers: ['DataCatalog/111122223333'],
      },
    ]);
    expect(redshift.commandCalls(RegisterNamespaceCommand)).toHaveLength(0);
    expect(audit[0]).toMatchObject({ action: 'deregister', outcome: { result: 'accepted', status: 'Deregistering' } });
  });

  it('for a serverless namespace, sends namespace, workgroup and consumer', async () => {
    redshift.on(DeregisterNamespaceCommand).resolves({ Status: 'Deregistering' });
    const { app } = buildTestApp();

    const res = await deregister(app, serverlessBody());

    expect(res.status).toBe(202);
    expect(redshift.commandCalls(DeregisterNamespaceCommand)[0]?.args[0].input.NamespaceIdentifier).toEqual({
      ServerlessIdentifier: { NamespaceIdentifier: 'sales-ns', WorkgroupIdentifier: 'sales-wg' },
    });
  });

  it.each([
    [
      'ClusterNotFoundFault',
      new ClusterNotFoundFault({ message: 'x', $metadata: { ...$metadata, httpStatusCode: 404 } }),
      404,
      'cluster-not-found',
    ],
    ['InvalidNamespaceFault', new InvalidNamespaceFault({ message: 'x', $metadata }), 400, 'invalid-namespace'],
    [
      'InvalidClusterStateFault',
      new InvalidClusterStateFault({ message: 'x', $metadata }),
      409,
      'invalid-cluster-state',
    ],
    [
      'throttling',
      new RedshiftServiceException({ name: 'Throttling', message: 'x', $fault: 'client', $metadata }),
      503,
      'upstream-unavailable',
    ],
  ])('with %s, answers %i %s like registration', async (_name, error, status, slug) => {
    redshift.on(DeregisterNamespaceCommand).rejects(error);
    const { app } = buildTestApp();

    const res = await deregister(app);

    expect(res.status).toBe(status);
    expect(res.body.type).toBe(`/problems/${slug}`);
  });

  it('validates the body like registration', async () => {
    const { app } = buildTestApp();

    const res = await deregister(app, { ...provisionedBody(), ConsumerIdentifiers: [] });

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ pointer: '/ConsumerIdentifiers', detail: 'must hold exactly one item' }]);
    expect(redshift.calls()).toHaveLength(0);
  });

  it('is authorized per action: a caller allowed only to register gets 403', async () => {
    const policy = `rules:\n  - name: register-only\n    apiKeys: [ci-pipeline]\n    actions: [register]\n    clusters: ['*']\n    consumerAccounts: ['*']\n`;
    const config = testConfig(
      { AUTHZ_ALLOW_ALL: undefined, AUTHZ_POLICY_FILE: '/policy.yaml' },
      { '/policy.yaml': policy },
    );
    redshift.on(RegisterNamespaceCommand).resolves({ Status: 'Registering' });
    const { app } = buildTestApp({ config });

    const denied = await deregister(app);
    const allowed = await request(app)
      .post('/namespaces/registrations')
      .set('X-API-Key', TEST_API_KEY)
      .send(provisionedBody());

    expect(denied.status).toBe(403);
    expect(allowed.status).toBe(202);
    expect(redshift.commandCalls(DeregisterNamespaceCommand)).toHaveLength(0);
  });
});
