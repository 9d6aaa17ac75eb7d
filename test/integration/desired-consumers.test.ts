import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import request from 'supertest';
import type { RecordedCall } from '../emulator/state';
import { OTHER_API_KEY, TEST_API_KEY } from '../helpers/config';
import { startLocalStack, type LocalStack } from '../helpers/local-stack';
import { expectProblem } from '../helpers/requests';

// PUT /namespaces/consumers over the real SDK and the emulator: read, plan, apply.

const [A, B, C, FORBIDDEN] = ['111111111111', '222222222222', '333333333333', '999999999999'].map(
  (account) => `DataCatalog/${account}`,
) as [string, string, string, string];
// ci-pipeline may do everything but touch account 999999999999; data-team may only read.
const POLICY = `
rules:
  - name: ci-everything
    apiKeys: [ci-pipeline]
    actions: [register, deregister, read]
    clusters: ['*']
    consumerAccounts: ['*']
  - name: not-that-account
    effect: deny
    apiKeys: [ci-pipeline]
    actions: [register, deregister]
    clusters: ['*']
    consumerAccounts: ['999999999999']
  - name: data-team-reads
    apiKeys: [data-team]
    actions: [read]
    clusters: ['*']
    consumerAccounts: ['*']
`;

let stack: LocalStack;
beforeAll(async () => {
  const dir = mkdtempSync(`${tmpdir()}/gateway-desired-`);
  writeFileSync(`${dir}/policy.yaml`, POLICY);
  stack = await startLocalStack({ AUTHZ_ALLOW_ALL: 'false', AUTHZ_POLICY_FILE: `${dir}/policy.yaml` });
});
afterAll(() => stack.close());
beforeEach(() => stack.emulator.reset());

const cluster = { ProvisionedIdentifier: { ClusterIdentifier: 'analytics-prod' } };
const put = (consumers: string[], { prune = false, query = '', apiKey = TEST_API_KEY, prefer = '' } = {}) => {
  const req = request(stack.url)
    .put(`/namespaces/consumers${query}`)
    .set('X-API-Key', apiKey)
    .send({ NamespaceIdentifier: cluster, ConsumerIdentifiers: consumers, Prune: prune });
  return prefer === '' ? req : req.set('Prefer', prefer);
};
const changes = (calls: RecordedCall[]) =>
  calls
    .filter((call) => call.action === 'RegisterNamespace' || call.action === 'DeregisterNamespace')
    .map((call) => [call.action, call.params['ConsumerIdentifiers.member.1']]);
async function registered(...consumers: string[]) {
  for (const consumer of consumers) {
    const res = await request(stack.url)
      .post('/namespaces/registrations')
      .set('X-API-Key', TEST_API_KEY)
      .send({ NamespaceIdentifier: cluster, ConsumerIdentifiers: [consumer] });
    expect(res.status).toBe(202);
  }
  // From here on, only the PUT's calls count.
  mark = stack.emulator.calls().length;
}
let mark = 0;
beforeEach(() => {
  mark = 0;
});
const callsSinceMark = () => stack.emulator.calls().slice(mark);

describe('PUT /namespaces/consumers', () => {
  it('with two consumers registered and A, C wanted with Prune: one RegisterNamespace (C), one DeregisterNamespace (B), A left alone', async () => {
    await registered(A, B);

    const res = await put([A, C], { prune: true });

    expect(res.status).toBe(202);
    expect(res.headers.location).toBe('/namespaces/consumers?ClusterIdentifier=analytics-prod&target=default');
    expect(res.body).toEqual({
      DryRun: false,
      Prune: true,
      Consumers: [
        { ConsumerIdentifier: A, Action: 'unchanged', Outcome: 'unchanged' },
        { ConsumerIdentifier: C, Action: 'register', Outcome: 'accepted', Status: 'Registering' },
        { ConsumerIdentifier: B, Action: 'deregister', Outcome: 'accepted', Status: 'Deregistering' },
      ],
    });
    expect(changes(callsSinceMark())).toEqual(
      expect.arrayContaining([
        ['RegisterNamespace', C],
        ['DeregisterNamespace', B],
      ]),
    );
    expect(changes(callsSinceMark())).toHaveLength(2);

    // The Location lists what is registered now.
    const now = await request(stack.url).get(res.headers.location!).set('X-API-Key', TEST_API_KEY);
    expect(now.status).toBe(200);
    expect(
      now.body.Consumers.map((consumer: { ConsumerIdentifier: string }) => consumer.ConsumerIdentifier).sort(),
    ).toEqual([A, C].sort());
  });

  it('the same PUT again changes nothing: 200, every item unchanged', async () => {
    await registered(A, C);

    const res = await put([A, C], { prune: true });

    expect(res.status).toBe(200);
    expect(res.body.Consumers.map((item: { Outcome: string }) => item.Outcome)).toEqual(['unchanged', 'unchanged']);
    expect(changes(callsSinceMark())).toEqual([]);
  });

  it('without Prune, consumers not listed are kept', async () => {
    await registered(A, B);

    const res = await put([A]);

    expect(res.status).toBe(200);
    expect(res.body.Consumers).toEqual([
      { ConsumerIdentifier: A, Action: 'unchanged', Outcome: 'unchanged' },
      { ConsumerIdentifier: B, Action: 'kept', Outcome: 'unchanged' },
    ]);
    expect(changes(callsSinceMark())).toEqual([]);
  });

  it('dryRun=true answers the plan and changes nothing', async () => {
    await registered(A, B);

    const res = await put([A, C], { prune: true, query: '?dryRun=true' });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      DryRun: true,
      Prune: true,
      Consumers: [
        { ConsumerIdentifier: A, Action: 'unchanged', Outcome: 'unchanged' },
        { ConsumerIdentifier: C, Action: 'register', Outcome: 'planned' },
        { ConsumerIdentifier: B, Action: 'deregister', Outcome: 'planned' },
      ],
    });
    expect(changes(callsSinceMark())).toEqual([]);
  });

  it('a consumer the policy forbids fails alone with its own 403 problem (207) while the others apply', async () => {
    const res = await put([A, FORBIDDEN, C]);

    expect(res.status).toBe(207);
    const [a, forbidden, c] = res.body.Consumers as { Outcome: string; Problem?: { status: number; type: string } }[];
    expect([a!.Outcome, c!.Outcome]).toEqual(['accepted', 'accepted']);
    expect(forbidden).toMatchObject({
      ConsumerIdentifier: FORBIDDEN,
      Action: 'register',
      Outcome: 'failed',
      Problem: { status: 403, type: '/problems/forbidden', instance: '/namespaces/consumers' },
    });
    expect(
      changes(callsSinceMark())
        .map(([, consumer]) => consumer)
        .sort(),
    ).toEqual([A, C].sort());
    // Every change is audited, the refused one too (the audit file is written asynchronously).
    const results = () =>
      stack
        .audit()
        .filter((event) => event.requestId === res.headers['x-request-id'])
        .map((event) => event.outcome.result)
        .sort();
    for (let i = 0; i < 50 && results().length < 3; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(results()).toEqual(['accepted', 'accepted', 'denied']);
  });

  it('with Prefer: wait, answers 200 once every change shows', async () => {
    stack.emulator.setFaults({ registrationDelayMs: 300 });

    const res = await put([A, C], { prefer: 'wait=10' });

    expect(res.status).toBe(200);
    expect(res.headers['preference-applied']).toBe('wait=10');
    expect(res.body.Consumers.map((item: { Outcome: string }) => item.Outcome)).toEqual(['completed', 'completed']);
  }, 20_000);

  it('a caller who may not change anything gets each change as its own 403 (207); reading is allowed', async () => {
    const res = await put([A], { apiKey: OTHER_API_KEY });

    expect(res.status).toBe(207);
    expect(res.body.Consumers[0]).toMatchObject({ Outcome: 'failed', Problem: { status: 403 } });
    expect(changes(callsSinceMark())).toEqual([]);
  });

  it('refuses a body that breaks the contract (a consumer twice, an unknown key) with 400, before any AWS call', async () => {
    const twice = await put([A, A]);
    const unknown = await request(stack.url)
      .put('/namespaces/consumers')
      .set('X-API-Key', TEST_API_KEY)
      .send({ NamespaceIdentifier: cluster, ConsumerIdentifiers: [A], Purge: true });

    expectProblem(twice, 400, 'validation-failed');
    expectProblem(unknown, 400, 'validation-failed');
    expect(stack.emulator.calls()).toEqual([]);
  });

  it('a cluster that does not exist is the whole answer’s 404, nothing planned', async () => {
    const res = await request(stack.url)
      .put('/namespaces/consumers')
      .set('X-API-Key', TEST_API_KEY)
      .send({
        NamespaceIdentifier: { ProvisionedIdentifier: { ClusterIdentifier: 'no-such-cluster' } },
        ConsumerIdentifiers: [A],
      });

    expectProblem(res, 404, 'cluster-not-found');
  });
});

describe('PUT /namespaces/consumers with a long list', () => {
  let small: LocalStack;
  beforeAll(async () => {
    small = await startLocalStack({ MAX_CONCURRENT_UPSTREAM: '2' }, { latencyMs: 50 });
  });
  afterAll(() => small.close());

  it('applies every change within the calls in flight allowed, none refused for want of a place', async () => {
    const consumers = Array.from({ length: 12 }, (_, i) => `DataCatalog/${String(500000000000 + i)}`);

    const res = await request(small.url)
      .put('/namespaces/consumers')
      .set('X-API-Key', TEST_API_KEY)
      .send({ NamespaceIdentifier: cluster, ConsumerIdentifiers: consumers });

    expect(res.status).toBe(202);
    expect(res.body.Consumers.map((item: { Outcome: string }) => item.Outcome)).toEqual(Array(12).fill('accepted'));
    expect(small.emulator.calls().filter((call) => call.action === 'RegisterNamespace')).toHaveLength(12);
  }, 20_000);
});
