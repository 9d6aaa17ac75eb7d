import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { createAwsClients } from '../../src/aws/clients';
import { buildTestApp } from '../helpers/app';
import { testConfig } from '../helpers/config';
import { fault, registering, startFakeRedshift } from '../helpers/fake-redshift-server';
import { register } from '../helpers/requests';

// The real clients of main.ts, with STS stubbed and Redshift a loopback stand-in: everything from
// the HTTP request to the signed Redshift call and back is the production code path.
const sts = mockClient(STSClient);
let redshift: Awaited<ReturnType<typeof startFakeRedshift>>;

beforeAll(async () => {
  redshift = await startFakeRedshift();
});
afterAll(() => redshift.close());
beforeEach(() => {
  sts.reset();
  redshift.calls.length = 0;
  redshift.answerWith((_call, res) => {
    res
      .writeHead(200, { 'Content-Type': 'text/xml' })
      .end(
        '<RegisterNamespaceResponse xmlns="http://redshift.amazonaws.com/doc/2012-12-01/"><RegisterNamespaceResult>' +
          '<Status>Registering</Status></RegisterNamespaceResult></RegisterNamespaceResponse>',
      );
  });
});

function assumedRole(accessKeyId = 'ASIAASSUMED0001') {
  return {
    Credentials: {
      AccessKeyId: accessKeyId,
      SecretAccessKey: 'assumed-secret',
      SessionToken: 'assumed-session-token',
      Expiration: new Date(Date.now() + 3600_000),
    },
  };
}

function gateway(overrides: Record<string, string> = {}) {
  const config = testConfig({ AWS_ENDPOINT_URL_REDSHIFT: redshift.url, UPSTREAM_MAX_ATTEMPTS: '2', ...overrides });
  const { redshift: client, role } = createAwsClients(config.aws);
  return buildTestApp({ config, client, role });
}

describe('credentials from STS AssumeRole', () => {
  it('50 requests, 10 at a time, cause exactly one AssumeRole', async () => {
    sts.on(AssumeRoleCommand).resolves(assumedRole());
    const { app } = gateway();

    for (let batch = 0; batch < 5; batch += 1) {
      const answers = await Promise.all(Array.from({ length: 10 }, () => register(app)));
      expect(answers.map((res) => res.status)).toEqual(Array(10).fill(202));
    }

    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(redshift.calls).toHaveLength(50);
  });

  it('asks STS for the configured role, session name, duration and external id', async () => {
    sts.on(AssumeRoleCommand).resolves(assumedRole());
    const { app } = gateway({
      REDSHIFT_ROLE_EXTERNAL_ID: 'ext-123',
      REDSHIFT_ROLE_SESSION_NAME: 'gw-test',
      REDSHIFT_ROLE_DURATION_SECONDS: '900',
    });

    await register(app);

    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toEqual({
      RoleArn: 'arn:aws:iam::111122223333:role/namespace-registrar',
      RoleSessionName: 'gw-test',
      DurationSeconds: 900,
      ExternalId: 'ext-123',
    });
  });

  it('signs the Redshift call with the assumed credentials and their session token', async () => {
    sts.on(AssumeRoleCommand).resolves(assumedRole('ASIAASSUMED0042'));
    const { app } = gateway();

    const res = await register(app);

    expect(res.status).toBe(202);
    const [call] = redshift.calls;
    expect(call?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIAASSUMED0042\/\d{8}\/eu-west-1\/redshift\/aws4_request/,
    );
    expect(call?.securityToken).toBe('assumed-session-token');
    expect(call?.params.get('Action')).toBe('RegisterNamespace');
    expect(call?.params.get('NamespaceIdentifier.ProvisionedIdentifier.ClusterIdentifier')).toBe('analytics-prod');
    expect(call?.params.get('ConsumerIdentifiers.member.1')).toBe('DataCatalog/111122223333');
  });

  it('when the role cannot be assumed, returns 502 with the STS code, backs off, and recovers when STS does', async () => {
    const denied = Object.assign(new Error('not authorized to assume'), {
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: { httpStatusCode: 403, requestId: 'sts-req-1' },
    });
    sts.on(AssumeRoleCommand).rejectsOnce(denied).resolves(assumedRole());
    const { app } = gateway();

    const failed = await register(app);
    const pausedAnswers = await Promise.all(Array.from({ length: 20 }, () => register(app)));
    const callsWhilePaused = sts.commandCalls(AssumeRoleCommand).length;
    // The first back-off pause is at most one second.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const recovered = await register(app);

    expect(failed.status).toBe(502);
    expect(failed.body).toMatchObject({
      type: '/problems/upstream-error',
      upstream: { code: 'AccessDenied', requestId: 'sts-req-1', message: 'not authorized to assume' },
    });
    expect(pausedAnswers.map((res) => res.status)).toEqual(Array(20).fill(502));
    expect(callsWhilePaused).toBe(1);
    expect(recovered.status).toBe(202);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('STS throttling with nothing cached answers 503 with Retry-After, and a burst makes one AssumeRole', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'Throttling',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, requestId: 'sts-req-2' },
    });
    sts.on(AssumeRoleCommand).rejects(throttled);
    const { app } = gateway({ UPSTREAM_MAX_ATTEMPTS: '1' });

    const answers = await Promise.all(Array.from({ length: 30 }, () => register(app)));

    expect(new Set(answers.map((res) => res.status))).toEqual(new Set([503]));
    expect(answers[0]?.body).toMatchObject({
      type: '/problems/upstream-unavailable',
      upstream: { code: 'Throttling' },
    });
    expect(Number(answers[0]?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(redshift.calls).toHaveLength(0);
  });
});

describe('credentials that AWS refuses while the cache believes them valid', () => {
  it.each(['ExpiredToken', 'InvalidClientTokenId', 'RequestExpired'])(
    'a %s answer drops the cache, assumes the role once more and resends the call once',
    async (code) => {
      sts
        .on(AssumeRoleCommand)
        .resolvesOnce(assumedRole('ASIAOLD0000000001'))
        .resolves(assumedRole('ASIANEW0000000002'));
      const { app } = gateway();
      await register(app);
      let refusals = 0;
      redshift.answerWith((call, res) => {
        if (call.authorization?.includes('ASIAOLD') === true) {
          refusals += 1;
          fault(code, 403)(call, res);
          return;
        }
        registering(call, res);
      });

      const answers = await Promise.all(Array.from({ length: 5 }, () => register(app)));

      expect(answers.map((res) => res.status)).toEqual(Array(5).fill(202));
      expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
      expect(refusals).toBe(5);
    },
  );

  it('refused again with fresh credentials, answers 502 after exactly one extra AssumeRole', async () => {
    sts.on(AssumeRoleCommand).resolves(assumedRole());
    redshift.answerWith(fault('InvalidClientTokenId', 403));
    const { app } = gateway();

    const res = await register(app);

    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ type: '/problems/upstream-error', upstream: { code: 'InvalidClientTokenId' } });
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
    expect(redshift.calls).toHaveLength(2);
  });
});

describe('Redshift faults over the wire', () => {
  beforeEach(() => sts.on(AssumeRoleCommand).resolves(assumedRole()));

  it.each([
    ['ClusterNotFound', 404, 404, 'cluster-not-found'],
    ['InvalidNamespaceFault', 400, 400, 'invalid-namespace'],
    ['InvalidClusterState', 400, 409, 'invalid-cluster-state'],
    ['InvalidParameterValue', 400, 400, 'rejected-by-redshift'],
    ['AccessDenied', 403, 502, 'upstream-error'],
  ])(
    'a %s answer (HTTP %i) becomes %i %s with the wire code and AWS request id',
    async (code, wireStatus, status, slug) => {
      redshift.answerWith(fault(code, wireStatus));
      const { app } = gateway();

      const res = await register(app);

      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ type: `/problems/${slug}`, upstream: { code, requestId: 'aws-fault-1' } });
      expect(redshift.calls).toHaveLength(1);
    },
  );

  it('throttling on every attempt is retried UPSTREAM_MAX_ATTEMPTS times, then 503 with Retry-After', async () => {
    redshift.answerWith(fault('Throttling', 400));
    const { app } = gateway({ UPSTREAM_MAX_ATTEMPTS: '3' });

    const res = await register(app);

    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.upstream).toMatchObject({ code: 'Throttling' });
    expect(redshift.calls).toHaveLength(3);
  });

  it('a hung Redshift is cut off by the attempt timeout and gives 504 after the retries', async () => {
    redshift.answerWith(() => undefined);
    const { app } = gateway({ UPSTREAM_ATTEMPT_TIMEOUT_MS: '150', UPSTREAM_MAX_ATTEMPTS: '2' });

    const res = await register(app);

    expect(res.status).toBe(504);
    expect(res.body.type).toBe('/problems/upstream-timeout');
    expect(redshift.calls).toHaveLength(2);
  });

  it('a hung Redshift beyond UPSTREAM_TIMEOUT_MS gives 504 at the overall deadline', async () => {
    redshift.answerWith(() => undefined);
    const { app } = gateway({
      UPSTREAM_TIMEOUT_MS: '300',
      UPSTREAM_MAX_ATTEMPTS: '1',
      UPSTREAM_ATTEMPT_TIMEOUT_MS: '300',
      UPSTREAM_CONNECT_TIMEOUT_MS: '100',
    });

    const started = Date.now();
    const res = await register(app);

    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a connection dropped on every attempt gives 503', async () => {
    redshift.answerWith((_call, res) => res.socket?.destroy());
    const { app } = gateway();

    const res = await register(app);

    expect(res.status).toBe(503);
    expect(res.body.type).toBe('/problems/upstream-unavailable');
  });
});
