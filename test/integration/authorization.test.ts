import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import request from 'supertest';
import { OTHER_API_KEY, TEST_API_KEY } from '../helpers/config';
import { startLocalStack, type LocalStack } from '../helpers/local-stack';

// callers of testEnv: ci-pipeline (TEST_API_KEY) and data-team (OTHER_API_KEY)
const policy = `
rules:
  - name: ci-analytics
    apiKeys: [ci-pipeline]
    actions: [register]
    clusters: ['analytics-*']
    consumerAccounts: ['111122223333']
  - name: data-team-sales
    apiKeys: [data-team]
    actions: [register, deregister]
    serverlessNamespaces: ['sales-*']
    serverlessWorkgroups: ['sales-wg']
    consumerAccounts: ['4444555566??']
  - name: never-dev
    effect: deny
    apiKeys: ['*']
    subjects: ['*']
    actions: [register]
    clusters: ['analytics-dev']
    consumerAccounts: ['*']
`;

let stack: LocalStack;
beforeAll(async () => {
  const dir = mkdtempSync(`${tmpdir()}/gateway-policy-`);
  writeFileSync(`${dir}/policy.yaml`, policy);
  stack = await startLocalStack({ AUTHZ_ALLOW_ALL: 'false', AUTHZ_POLICY_FILE: `${dir}/policy.yaml` });
});
afterAll(() => stack.close());
beforeEach(() => stack.emulator.reset());

const body = (target: object, account: string) => ({
  NamespaceIdentifier: target,
  ConsumerIdentifiers: [`DataCatalog/${account}`],
});
const cluster = (ClusterIdentifier: string) => ({ ProvisionedIdentifier: { ClusterIdentifier } });
const serverless = (NamespaceIdentifier: string, WorkgroupIdentifier: string) => ({
  ServerlessIdentifier: { NamespaceIdentifier, WorkgroupIdentifier },
});

describe('authorization matrix', () => {
  const denied: [string, string, object][] = [
    ['ci on a cluster outside its glob', TEST_API_KEY, body(cluster('billing-prod'), '111122223333')],
    ['ci for another consumer account', TEST_API_KEY, body(cluster('analytics-prod'), '444455556666')],
    ['ci on a serverless namespace', TEST_API_KEY, body(serverless('sales-ns', 'sales-wg'), '111122223333')],
    ['ci on a cluster a deny rule covers', TEST_API_KEY, body(cluster('analytics-dev'), '111122223333')],
    ['data-team on a cluster', OTHER_API_KEY, body(cluster('analytics-prod'), '111122223333')],
    ['data-team on another workgroup', OTHER_API_KEY, body(serverless('sales-ns', 'marketing-wg'), '444455556666')],
    ['data-team on another namespace', OTHER_API_KEY, body(serverless('marketing-ns', 'sales-wg'), '444455556666')],
    [
      'data-team for an account outside its glob',
      OTHER_API_KEY,
      body(serverless('sales-ns', 'sales-wg'), '111122223333'),
    ],
  ];

  it.each(denied)('denies %s with 403 before any AWS call', async (_name, key, payload) => {
    const res = await request(stack.url).post('/namespaces/registrations').set('X-API-Key', key).send(payload);

    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: '/problems/forbidden', status: 403 });
    expect(stack.emulator.calls()).toEqual([]);
  });

  it.each([
    ['ci on an analytics cluster', TEST_API_KEY, body(cluster('analytics-prod'), '111122223333')],
    [
      'data-team on its namespace and workgroup',
      OTHER_API_KEY,
      body(serverless('sales-ns', 'sales-wg'), '444455556677'),
    ],
  ])('allows %s', async (_name, key, payload) => {
    const res = await request(stack.url).post('/namespaces/registrations').set('X-API-Key', key).send(payload);

    expect(res.status).toBe(202);
    expect(stack.emulator.calls().filter((call) => call.service === 'redshift')).toHaveLength(1);
  });

  it('audits allowed and denied attempts alike, with rule, outcome and upstream ids, and no secret', async () => {
    const denied = await request(stack.url)
      .post('/namespaces/registrations')
      .set('X-API-Key', TEST_API_KEY)
      .send(body(cluster('analytics-dev'), '111122223333'));
    const failed = await request(stack.url)
      .post('/namespaces/registrations')
      .set('X-API-Key', TEST_API_KEY)
      .send(body(cluster('analytics-missing'), '111122223333'));
    // The audit log is written asynchronously: give the two lines a moment to reach the file.
    const ours = () =>
      stack.audit().filter((event) => [denied, failed].some((res) => res.headers['x-request-id'] === event.requestId));
    for (let i = 0; i < 50 && ours().length < 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    const events = ours();

    expect(events).toEqual([
      expect.objectContaining({
        caller: 'api-key:ci-pipeline',
        action: 'register',
        target: { kind: 'provisioned', clusterIdentifier: 'analytics-dev' },
        consumer: 'DataCatalog/111122223333',
        decision: { allowed: false, rule: 'never-dev', reason: 'denied-by-rule' },
        outcome: { result: 'denied' },
      }),
      expect.objectContaining({
        decision: { allowed: true, rule: 'ci-analytics' },
        outcome: {
          result: 'failed',
          error: 'cluster-not-found',
          upstream: {
            code: 'ClusterNotFound',
            requestId: expect.any(String),
            message: 'Cluster analytics-missing not found.',
          },
        },
      }),
    ]);
    expect(events.every((event) => typeof event.time === 'string')).toBe(true);
    expect(JSON.stringify(stack.audit())).not.toContain(TEST_API_KEY);
  });
});
