import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import request, { type Response } from 'supertest';
import { provisionedBody } from '../helpers/bodies';
import { OTHER_API_KEY, TEST_API_KEY } from '../helpers/config';
import { startLocalStack, type LocalStack } from '../helpers/local-stack';
import { expectProblem } from '../helpers/requests';

// Many AWS accounts and regions from one gateway, over the real SDK and the emulator, which keeps
// state per account and region and acts on the account of the credentials a call is signed with and
// the region it is signed for. `default` is 111122223333 in us-east-1 (the single-target variables);
// the targets file adds 444455556666 in eu-west-1 (`eu`, which has its own analytics-prod) and
// 111122223333 in eu-west-1 (`home-eu`, which has no clusters).

const EU_ROLE = 'arn:aws:iam::444455556666:role/redshift-namespace-registrar';
const DEFAULT_ROLE = 'arn:aws:iam::111122223333:role/redshift-namespace-registrar';
const TARGETS = `
targets:
  eu:
    accountId: '444455556666'
    region: eu-west-1
    roleArn: ${EU_ROLE}
  home-eu:
    accountId: '111122223333'
    region: eu-west-1
    roleArn: ${DEFAULT_ROLE}
`;
// ci-pipeline (TEST_API_KEY) reaches `default` only (a rule naming no targets); data-team
// (OTHER_API_KEY) every target.
const POLICY = `
rules:
  - name: ci-default-only
    apiKeys: [ci-pipeline]
    actions: [register, deregister, read]
    clusters: ['*']
    consumerAccounts: ['*']
  - name: data-team-everywhere
    apiKeys: [data-team]
    actions: [register, deregister, read]
    targets: ['*']
    clusters: ['*']
    consumerAccounts: ['*']
`;

function writeFiles(targets: string): Record<string, string> {
  const dir = mkdtempSync(`${tmpdir()}/gateway-targets-`);
  writeFileSync(`${dir}/targets.yaml`, targets);
  writeFileSync(`${dir}/policy.yaml`, POLICY);
  return { TARGETS_FILE: `${dir}/targets.yaml`, AUTHZ_ALLOW_ALL: 'false', AUTHZ_POLICY_FILE: `${dir}/policy.yaml` };
}

const registerIn = (stack: LocalStack, target: string | undefined, apiKey = OTHER_API_KEY) =>
  request(stack.url)
    .post(`/namespaces/registrations${target === undefined ? '' : `?target=${target}`}`)
    .set('X-API-Key', apiKey)
    .send(provisionedBody('analytics-prod'));

describe('targets: one gateway, many accounts and regions', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ ...writeFiles(TARGETS), MAX_CONCURRENT_UPSTREAM: '4' });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.emulator.reset());

  it('registers the same cluster name in two accounts and two regions, each call signed with its own target’s credentials', async () => {
    const home = await registerIn(stack, undefined);
    const eu = await registerIn(stack, 'eu');

    expect([home.status, eu.status]).toEqual([202, 202]);
    expect(eu.headers.location).toBe(
      '/namespaces/registrations/status?ClusterIdentifier=analytics-prod&ConsumerIdentifier=DataCatalog%2F111122223333&target=eu',
    );
    const calls = stack.emulator.calls();
    const registrations = calls.filter((call) => call.action === 'RegisterNamespace');
    expect(registrations.map(({ account, region, status }) => ({ account, region, status }))).toEqual([
      { account: '111122223333', region: 'us-east-1', status: 200 },
      { account: '444455556666', region: 'eu-west-1', status: 200 },
    ]);
    // Each was signed with the access key STS issued for its target's role.
    expect(registrations.map((call) => stack.emulator.roleIssuedTo(call.accessKeyId!))).toEqual([
      DEFAULT_ROLE,
      EU_ROLE,
    ]);

    // Each target's status resource reads its own account's datashares.
    const euStatus = await request(stack.url).get(eu.headers.location!).set('X-API-Key', OTHER_API_KEY);
    expect(euStatus.status).toBe(200);
    expect(euStatus.body.ProducerNamespaceArn).toMatch(/^arn:aws:redshift:eu-west-1:444455556666:namespace:/);
  });

  it('a region of the same account is a target of its own: its clusters are that region’s', async () => {
    const res = await registerIn(stack, 'home-eu');

    expectProblem(res, 404, 'cluster-not-found');
    expect(stack.emulator.calls().find((call) => call.action === 'RegisterNamespace')).toMatchObject({
      account: '111122223333',
      region: 'eu-west-1',
      code: 'ClusterNotFound',
    });
  });

  it('refuses (403) a caller on a target its rules do not name, before any AWS call, and audits the target', async () => {
    const refused = await registerIn(stack, 'eu', TEST_API_KEY);
    const allowed = await registerIn(stack, undefined, TEST_API_KEY);

    expectProblem(refused, 403, 'forbidden');
    expect(refused.body.detail).toContain("in target 'eu'");
    expect(allowed.status).toBe(202);
    expect(stack.emulator.calls().filter((call) => call.action === 'RegisterNamespace')).toHaveLength(1);
    // The audit log is written asynchronously: give the line a moment to reach the file.
    const ours = () => stack.audit().filter((event) => event.requestId === refused.headers['x-request-id']);
    for (let i = 0; i < 50 && ours().length < 1; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    const events = ours();
    expect(events).toEqual([
      expect.objectContaining({ awsTarget: 'eu', caller: 'api-key:ci-pipeline', outcome: { result: 'denied' } }),
    ]);
  });

  it('an unknown target is 404 target-not-found, naming the targets there are', async () => {
    const res = await registerIn(stack, 'nowhere');
    const status = await request(stack.url)
      .get(
        '/namespaces/registrations/status?ClusterIdentifier=analytics-prod&ConsumerIdentifier=DataCatalog/111122223333&target=nowhere',
      )
      .set('X-API-Key', OTHER_API_KEY);

    expectProblem(res, 404, 'target-not-found');
    expect(res.body.detail).toBe("This gateway has no target 'nowhere'; its targets are: default, eu, home-eu.");
    expectProblem(status, 404, 'target-not-found');
    expect(stack.emulator.calls()).toEqual([]);
  });

  it('an Idempotency-Key is scoped by target: the same key and body in two targets are two requests', async () => {
    const key = `targets-${Date.now()}`;
    const send = (target: string) =>
      request(stack.url)
        .post(`/namespaces/registrations?target=${target}`)
        .set('X-API-Key', OTHER_API_KEY)
        .set('Idempotency-Key', key)
        .send(provisionedBody('analytics-prod'));

    const first = await send('default');
    const other = await send('eu');
    const replay = await send('eu');

    expect([first.status, other.status, replay.status]).toEqual([202, 202, 202]);
    expect([other.headers['idempotent-replayed'], replay.headers['idempotent-replayed']]).toEqual([undefined, 'true']);
    expect(stack.emulator.calls().filter((call) => call.action === 'RegisterNamespace')).toHaveLength(2);
  });

  it('metrics and the access log carry the target', async () => {
    await registerIn(stack, 'eu');

    const metrics = (await request(stack.url).get('/metrics')).text;
    expect(metrics).toMatch(
      /gateway_upstream_calls_total\{target="eu",operation="RegisterNamespace",outcome="ok",code=""\} [1-9]/,
    );
    expect(metrics).toContain('gateway_sts_assume_role_calls_total{target="eu",outcome="ok"} 1');
    expect(
      stack.logs
        .records()
        .filter((line) => line.msg === 'request completed')
        .at(-1),
    ).toMatchObject({
      target: 'eu',
    });
  });
});

describe('targets: one AssumeRole per target, lazily; one target’s outage is not another’s', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ ...writeFiles(TARGETS), MAX_CONCURRENT_UPSTREAM: '4' });
  });
  afterAll(() => stack.close());

  it('assumes a target’s role on its first request, then once per credential lifetime', async () => {
    await waitForReadiness(stack);
    const rolesAssumed = () =>
      stack.emulator
        .calls()
        .filter((call) => call.action === 'AssumeRole')
        .map((call) => call.params.RoleArn);
    // At start, only the default target's.
    expect(rolesAssumed()).toEqual([DEFAULT_ROLE]);

    const answers: Response[] = [];
    for (let round = 0; round < 3; round += 1) {
      answers.push(
        ...(await Promise.all(['default', 'eu', 'default', 'eu'].map((target) => registerIn(stack, target)))),
      );
    }

    expect(answers.map((res) => res.status)).toEqual(Array(12).fill(202));
    expect(rolesAssumed().sort()).toEqual([DEFAULT_ROLE, EU_ROLE].sort());
  });

  it('an STS outage on one target: its requests fail (503) while the other target answers 202 without waiting, and readiness holds', async () => {
    stack.emulator.setFaults({
      errors: [
        {
          service: 'sts',
          action: 'AssumeRole',
          account: '111122223333',
          region: 'eu-west-1',
          code: 'ServiceUnavailable',
          status: 503,
          message: 'Service is unavailable.',
          latencyMs: 1500,
        },
      ],
    });
    // `home-eu` has never been used: its first requests need its role, and its STS hangs, then fails.
    // Four of them, as many as a target may have in flight, start first: with one limit for all
    // targets, `default`'s would be refused.
    const started = Date.now();
    const arrival = new Map<string, number[]>([
      ['home-eu', []],
      ['default', []],
    ]);
    const timed = (target: string) =>
      registerIn(stack, target).then((res) => {
        arrival.get(target)!.push(Date.now() - started);
        return res;
      });
    const outage = Array.from({ length: 4 }, () => timed('home-eu'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const healthy = await Promise.all(Array.from({ length: 4 }, () => timed('default')));
    const ready = await request(stack.url).get('/readyz');
    const failed = await Promise.all(outage);

    expect(healthy.map((res) => res.status)).toEqual(Array(4).fill(202));
    expect(ready.status).toBe(200);
    for (const res of failed) expectProblem(res, 503, 'upstream-unavailable');
    // The healthy target's answers all came while the other's requests were still waiting on STS.
    expect(Math.max(...arrival.get('default')!)).toBeLessThan(Math.min(...arrival.get('home-eu')!));
  });
});

describe('targets: a gateway without a default target', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ ...writeFiles(TARGETS), REDSHIFT_ROLE_ARN: '', AWS_REGION: '' });
  });
  afterAll(() => stack.close());

  it('is ready without assuming any role, and answers a request that names no target 400, saying how to name one', async () => {
    const ready = await request(stack.url).get('/readyz');
    const res = await registerIn(stack, undefined);

    expect(ready.status).toBe(200);
    expectProblem(res, 400, 'validation-failed');
    expect(res.body.errors).toEqual([{ pointer: '/query/target', detail: 'is required: one of eu, home-eu' }]);
    expect(stack.emulator.calls()).toEqual([]);
    expect((await registerIn(stack, 'eu')).status).toBe(202);
  });
});

async function waitForReadiness(stack: LocalStack): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if ((await request(stack.url).get('/readyz')).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the gateway did not become ready');
}
