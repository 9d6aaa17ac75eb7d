import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import request from 'supertest';
import { provisionedBody, serverlessBody } from '../helpers/bodies';
import { OTHER_API_KEY, TEST_API_KEY } from '../helpers/config';
import { seed, startLocalStack, type LocalStack } from '../helpers/local-stack';

// The status resource, Location and Prefer: wait, through the real SDK and the emulator.

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ REGISTRATION_WAIT_MAX_SECONDS: '8' });
});
afterAll(() => stack.close());
beforeEach(() => stack.emulator.reset());

const CONSUMER = 'DataCatalog/111122223333';
const salesNs = seed.resources[0]!.serverlessNamespaces[0]!;

const change = (path: 'registrations' | 'deregistrations', body: object, headers: Record<string, string> = {}) =>
  request(stack.url).post(`/namespaces/${path}`).set('Authorization', `Bearer ${TEST_API_KEY}`).set(headers).send(body);
const status = (query: string, apiKey = TEST_API_KEY) =>
  request(stack.url).get(`/namespaces/registrations/status?${query}`).set('X-API-Key', apiKey);
const registerCalls = () => stack.emulator.calls().filter((call) => call.action === 'RegisterNamespace').length;

describe('GET /namespaces/registrations/status', () => {
  it('a cluster never registered is NotRegistered, with its namespace ARN and no datashare', async () => {
    const res = await status(`ClusterIdentifier=analytics-prod&ConsumerIdentifier=${CONSUMER}`);

    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      Status: 'NotRegistered',
      ProducerNamespaceArn: expect.stringMatching(/^arn:aws:redshift:us-east-1:111122223333:namespace:[0-9a-f-]{36}$/),
      DataShareArn: null,
      Associations: [],
    });
  });

  it('once a registration has taken effect, the cluster is Registered for that consumer only', async () => {
    await change('registrations', provisionedBody('analytics-prod'));

    const registered = await status(`ClusterIdentifier=analytics-prod&ConsumerIdentifier=${CONSUMER}`);
    const otherConsumer = await status('ClusterIdentifier=analytics-prod&ConsumerIdentifier=DataCatalog/999999999999');

    expect(registered.body).toMatchObject({
      Status: 'Registered',
      DataShareArn: expect.stringContaining(':datashare:'),
      Associations: [{ ConsumerIdentifier: CONSUMER, Status: 'ACTIVE' }],
    });
    expect(otherConsumer.body.Status).toBe('NotRegistered');
  });

  it('reads a serverless namespace given by name, and by id (looked up over every page of ListNamespaces)', async () => {
    const body = serverlessBody();
    await change('registrations', body);
    const consumer = body.ConsumerIdentifiers[0];

    const byName = await status(
      `NamespaceIdentifier=${salesNs.name}&WorkgroupIdentifier=sales-wg&ConsumerIdentifier=${consumer}`,
    );
    const byId = await status(
      `NamespaceIdentifier=${salesNs.id}&WorkgroupIdentifier=sales-wg&ConsumerIdentifier=${consumer}`,
    );
    const marketingById = await status(
      `NamespaceIdentifier=${seed.resources[0]!.serverlessNamespaces[1]!.id}&WorkgroupIdentifier=marketing-wg&ConsumerIdentifier=${consumer}`,
    );

    expect(byName.body).toMatchObject({
      Status: 'Registered',
      ProducerNamespaceArn: `arn:aws:redshift-serverless:us-east-1:111122223333:namespace/${salesNs.id}`,
    });
    expect(byId.body).toEqual(byName.body);
    expect(marketingById.body).toMatchObject({ Status: 'NotRegistered' });
  });

  it.each([
    ['an unknown cluster', 'ClusterIdentifier=no-such-cluster', 404, 'cluster-not-found'],
    [
      'an unknown serverless namespace',
      'NamespaceIdentifier=no-such-ns&WorkgroupIdentifier=any-wg',
      400,
      'invalid-namespace',
    ],
    [
      'an unknown serverless namespace id',
      'NamespaceIdentifier=00000000-0000-0000-0000-000000000000&WorkgroupIdentifier=any-wg',
      400,
      'invalid-namespace',
    ],
  ])('%s answers as registration does: %i %s', async (_name, query, code, slug) => {
    const res = await status(`${query}&ConsumerIdentifier=${CONSUMER}`);

    expect(res.status).toBe(code);
    expect(res.body).toMatchObject({ type: `/problems/${slug}`, detail: expect.any(String) });
  });

  it.each([
    ['no target', `ConsumerIdentifier=${CONSUMER}`, '/query'],
    [
      'both target kinds',
      `ClusterIdentifier=a&NamespaceIdentifier=sales-ns&WorkgroupIdentifier=sales-wg&ConsumerIdentifier=${CONSUMER}`,
      '/query/ClusterIdentifier',
    ],
    [
      'a namespace without its workgroup',
      `NamespaceIdentifier=sales-ns&ConsumerIdentifier=${CONSUMER}`,
      '/query/WorkgroupIdentifier',
    ],
    ['a bad consumer', 'ClusterIdentifier=analytics-prod&ConsumerIdentifier=123', '/query/ConsumerIdentifier'],
    ['no consumer', 'ClusterIdentifier=analytics-prod', '/query/ConsumerIdentifier'],
    ['an unknown parameter', `ClusterIdentifier=analytics-prod&ConsumerIdentifier=${CONSUMER}&Extra=1`, '/query/Extra'],
  ])('with %s, answers 400 validation-failed naming it', async (_name, query, pointer) => {
    const res = await status(query);

    expect(res.status).toBe(400);
    expect(res.body.type).toBe('/problems/validation-failed');
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ pointer })]));
    expect(stack.emulator.calls().filter((call) => call.service !== 'sts')).toHaveLength(0);
  });
});

describe('Location', () => {
  it('every 202 names the status resource of its target and consumer, and it answers', async () => {
    const provisioned = await change('registrations', provisionedBody('analytics-prod'));
    const serverless = await change('deregistrations', serverlessBody());

    expect(provisioned.status).toBe(202);
    expect(provisioned.headers.location).toBe(
      '/namespaces/registrations/status?ClusterIdentifier=analytics-prod&ConsumerIdentifier=DataCatalog%2F111122223333&target=default',
    );
    expect(serverless.headers.location).toBe(
      '/namespaces/registrations/status?NamespaceIdentifier=sales-ns&WorkgroupIdentifier=sales-wg&ConsumerIdentifier=DataCatalog%2F444455556666&target=default',
    );
    const followed = await request(stack.url).get(provisioned.headers.location!).set('X-API-Key', TEST_API_KEY);
    expect(followed.body.Status).toBe('Registered');
  });
});

describe('Location on problems', () => {
  it('a refused change points at no status resource', async () => {
    const res = await change('registrations', provisionedBody('no-such-cluster'));

    expect(res.status).toBe(404);
    expect(res.headers.location).toBeUndefined();
  });
});

describe('the emulator, asked for the same change again while it is under way', () => {
  it('lets the first go on: the registration shows one delay after the first call, not after the last', async () => {
    stack.emulator.setFaults({ registrationDelayMs: 600 });
    await change('registrations', provisionedBody('analytics-dev'));
    await new Promise((resolve) => setTimeout(resolve, 400));
    await change('registrations', provisionedBody('analytics-dev'));
    await new Promise((resolve) => setTimeout(resolve, 400));

    // 800 ms after the first call, 400 ms after the second: the first one's 600 ms have passed.
    expect((await status(`ClusterIdentifier=analytics-dev&ConsumerIdentifier=${CONSUMER}`)).body.Status).toBe(
      'Registered',
    );
  });
});

describe('Prefer: wait', () => {
  it('waits until the registration shows, then answers 200 with the status document and Preference-Applied', async () => {
    stack.emulator.setFaults({ registrationDelayMs: 1_500 });

    const started = Date.now();
    const res = await change('registrations', provisionedBody('analytics-prod'), { Prefer: 'wait=6' });

    expect(res.status).toBe(200);
    expect(res.headers['preference-applied']).toBe('wait=6');
    expect(res.headers.location).toContain('ClusterIdentifier=analytics-prod');
    expect(res.body).toMatchObject({ Status: 'Registered', Associations: [{ ConsumerIdentifier: CONSUMER }] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
  }, 20_000);

  it('after a deregistration, waits for NotRegistered', async () => {
    await change('registrations', provisionedBody('analytics-dev'));
    stack.emulator.setFaults({ registrationDelayMs: 800 });

    const res = await change('deregistrations', provisionedBody('analytics-dev'), { Prefer: 'respond-async, wait=10' });

    expect(res.status).toBe(200);
    expect(res.body.Status).toBe('NotRegistered');
  }, 20_000);

  it('when the time runs out, answers the usual 202 with Location, no sooner than asked', async () => {
    stack.emulator.setFaults({ registrationDelayMs: 60_000 });

    const started = Date.now();
    const res = await change('registrations', provisionedBody('analytics-prod'), { Prefer: 'wait=2' });
    const elapsed = Date.now() - started;

    expect(res.status).toBe(202);
    expect(res.body).toEqual({ Status: 'Registering' });
    expect(res.headers['preference-applied']).toBeUndefined();
    expect(res.headers.location).toContain('ClusterIdentifier=analytics-prod');
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    expect(elapsed).toBeLessThan(4_000);
  }, 20_000);

  it('retries InvalidClusterState within the wait, as Terraform does, then succeeds', async () => {
    stack.emulator.setFaults({
      errors: [
        {
          service: 'redshift',
          action: 'RegisterNamespace',
          code: 'InvalidClusterState',
          status: 400,
          message: 'resizing',
          times: 2,
        },
      ],
    });

    const res = await change('registrations', provisionedBody('analytics-prod'), { Prefer: 'wait=8' });

    expect(res.status).toBe(200);
    expect(res.body.Status).toBe('Registered');
    expect(registerCalls()).toBe(3);
  }, 20_000);

  it('an InvalidClusterState that outlasts the wait is answered 409, as without waiting', async () => {
    stack.emulator.setFaults({
      errors: [
        {
          service: 'redshift',
          action: 'RegisterNamespace',
          code: 'InvalidClusterState',
          status: 400,
          message: 'resizing',
        },
      ],
    });

    const res = await change('registrations', provisionedBody('analytics-prod'), { Prefer: 'wait=2' });

    expect(res.status).toBe(409);
    expect(res.body.type).toBe('/problems/invalid-cluster-state');
    expect(registerCalls()).toBeGreaterThanOrEqual(2);
  }, 20_000);

  it('is capped at REGISTRATION_WAIT_MAX_SECONDS, and says so in Preference-Applied', async () => {
    stack.emulator.setFaults({ registrationDelayMs: 60_000 });

    const started = Date.now();
    const timedOut = await change('registrations', provisionedBody('analytics-prod'), { Prefer: 'wait=3600' });
    const elapsed = Date.now() - started;
    stack.emulator.setFaults({ registrationDelayMs: 0 });
    const completed = await change('registrations', provisionedBody('analytics-dev'), { Prefer: 'wait=3600' });

    expect(timedOut.status).toBe(202);
    expect(elapsed).toBeGreaterThanOrEqual(7_500);
    expect(elapsed).toBeLessThan(10_000);
    expect(completed.headers['preference-applied']).toBe('wait=8');
  }, 20_000);

  it('an Idempotency-Key replay answers what was stored, 200 and its headers included', async () => {
    const key = { Prefer: 'wait=5', 'Idempotency-Key': `wait-${Date.now()}` };

    const first = await change('registrations', provisionedBody('analytics-prod'), key);
    const replay = await change('registrations', provisionedBody('analytics-prod'), key);

    expect(first.status).toBe(200);
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers['preference-applied']).toBe('wait=5');
    expect(replay.headers.location).toBe(first.headers.location);
    expect(replay.body).toEqual(first.body);
    expect(registerCalls()).toBe(1);
  }, 20_000);
});

describe('waiting: bounds, shutdown and policy', () => {
  it('beyond REGISTRATION_MAX_WAITING, a request asking to wait gets 503 at once', async () => {
    const small = await startLocalStack({ REGISTRATION_MAX_WAITING: '1' }, { registrationDelayMs: 60_000 });
    try {
      const post = () =>
        request(small.url)
          .post('/namespaces/registrations')
          .set('X-API-Key', TEST_API_KEY)
          .set('Prefer', 'wait=3')
          .send(provisionedBody('analytics-prod'));
      // supertest sends on then(): start the first request now.
      const waiting = post().then((res) => res);
      await new Promise((resolve) => setTimeout(resolve, 500));

      const refused = await post();

      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
      expect((await waiting).status).toBe(202);
    } finally {
      await small.close();
    }
  }, 20_000);

  it('on shutdown, a waiting request is answered at once with 202 and Location, never dropped', async () => {
    const other = await startLocalStack({}, { registrationDelayMs: 60_000 });
    try {
      const waiting = request(other.url)
        .post('/namespaces/registrations')
        .set('X-API-Key', TEST_API_KEY)
        .set('Prefer', 'wait=60')
        .send(provisionedBody('analytics-prod'));
      const answered = waiting.then((res) => res);
      await new Promise((resolve) => setTimeout(resolve, 800));

      const started = Date.now();
      other.gateway.lifecycle.startDraining();
      const res = await answered;

      expect(res.status).toBe(202);
      expect(res.headers.location).toContain('ClusterIdentifier=analytics-prod');
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      await other.close();
    }
  }, 20_000);

  it('the status needs the policy action read; without it, Prefer: wait is ignored', async () => {
    const dir = mkdtempSync(`${tmpdir()}/gateway-policy-`);
    writeFileSync(
      `${dir}/policy.yaml`,
      'rules:\n  - name: register-only\n    apiKeys: [data-team]\n    actions: [register]\n    clusters: ["*"]\n    consumerAccounts: ["*"]\n' +
        '  - name: reader\n    apiKeys: [ci-pipeline]\n    actions: [read]\n    clusters: ["*"]\n    consumerAccounts: ["*"]\n',
    );
    const strict = await startLocalStack(
      { AUTHZ_ALLOW_ALL: 'false', AUTHZ_POLICY_FILE: `${dir}/policy.yaml` },
      { registrationDelayMs: 60_000 },
    );
    try {
      const query = `ClusterIdentifier=analytics-prod&ConsumerIdentifier=${CONSUMER}`;
      const denied = await request(strict.url)
        .get(`/namespaces/registrations/status?${query}`)
        .set('X-API-Key', OTHER_API_KEY);
      const allowed = await request(strict.url)
        .get(`/namespaces/registrations/status?${query}`)
        .set('X-API-Key', TEST_API_KEY);
      const started = Date.now();
      const notWaited = await request(strict.url)
        .post('/namespaces/registrations')
        .set('X-API-Key', OTHER_API_KEY)
        .set('Prefer', 'wait=10')
        .send(provisionedBody('analytics-prod'));

      expect(denied.status).toBe(403);
      expect(allowed.status).toBe(200);
      expect(notWaited.status).toBe(202);
      expect(notWaited.headers['preference-applied']).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await strict.close();
    }
  }, 20_000);
});
