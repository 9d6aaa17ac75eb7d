import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { fault, registering } from '../helpers/fake-redshift-server';
import { realClientsAgainstFakeRedshift } from '../helpers/real-clients';
import { register } from '../helpers/requests';

// Credentials from STS AssumeRole, through the production AWS clients (helpers/real-clients.ts).
const wire = realClientsAgainstFakeRedshift();

describe('credentials from STS AssumeRole', () => {
  it('50 requests, 10 at a time, cause exactly one AssumeRole', async () => {
    wire.sts.on(AssumeRoleCommand).resolves(wire.assumedRole());
    const { app } = wire.gateway();

    for (let batch = 0; batch < 5; batch += 1) {
      const answers = await Promise.all(Array.from({ length: 10 }, () => register(app)));
      expect(answers.map((res) => res.status)).toEqual(Array(10).fill(202));
    }

    expect(wire.sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(wire.redshift.calls).toHaveLength(50);
  });

  it('asks STS for the configured role, session name, duration and external id', async () => {
    wire.sts.on(AssumeRoleCommand).resolves(wire.assumedRole());
    const { app } = wire.gateway({
      REDSHIFT_ROLE_EXTERNAL_ID: 'ext-123',
      REDSHIFT_ROLE_SESSION_NAME: 'gw-test',
      REDSHIFT_ROLE_DURATION_SECONDS: '900',
    });

    await register(app);

    expect(wire.sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toEqual({
      RoleArn: 'arn:aws:iam::111122223333:role/namespace-registrar',
      RoleSessionName: 'gw-test',
      DurationSeconds: 900,
      ExternalId: 'ext-123',
    });
  });

  it('signs the Redshift call with the assumed credentials and their session token', async () => {
    wire.sts.on(AssumeRoleCommand).resolves(wire.assumedRole('ASIAASSUMED0042'));
    const { app } = wire.gateway();

    const res = await register(app);

    expect(res.status).toBe(202);
    const [call] = wire.redshift.calls;
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
    wire.sts.on(AssumeRoleCommand).rejectsOnce(denied).resolves(wire.assumedRole());
    const { app } = wire.gateway();

    const failed = await register(app);
    const pausedAnswers = await Promise.all(Array.from({ length: 20 }, () => register(app)));
    const callsWhilePaused = wire.sts.commandCalls(AssumeRoleCommand).length;
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
    expect(wire.sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('STS throttling with nothing cached answers 503 with Retry-After, and a burst makes one AssumeRole', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'Throttling',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, requestId: 'sts-req-2' },
    });
    wire.sts.on(AssumeRoleCommand).rejects(throttled);
    const { app } = wire.gateway({ UPSTREAM_MAX_ATTEMPTS: '1' });

    const answers = await Promise.all(Array.from({ length: 30 }, () => register(app)));

    expect(new Set(answers.map((res) => res.status))).toEqual(new Set([503]));
    expect(answers[0]?.body).toMatchObject({
      type: '/problems/upstream-unavailable',
      upstream: { code: 'Throttling' },
    });
    expect(Number(answers[0]?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(wire.sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(wire.redshift.calls).toHaveLength(0);
  });
});

describe('credentials that AWS refuses while the cache believes them valid', () => {
  it.each(['ExpiredToken', 'InvalidClientTokenId', 'RequestExpired'])(
    'a %s answer drops the cache, assumes the role once more and resends the call once',
    async (code) => {
      wire.sts
        .on(AssumeRoleCommand)
        .resolvesOnce(wire.assumedRole('ASIAOLD0000000001'))
        .resolves(wire.assumedRole('ASIANEW0000000002'));
      const { app } = wire.gateway();
      await register(app);
      let refusals = 0;
      wire.redshift.answerWith((call, res) => {
        if (call.authorization?.includes('ASIAOLD') === true) {
          refusals += 1;
          fault(code, 403)(call, res);
          return;
        }
        registering(call, res);
      });

      const answers = await Promise.all(Array.from({ length: 5 }, () => register(app)));

      expect(answers.map((res) => res.status)).toEqual(Array(5).fill(202));
      expect(wire.sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
      expect(refusals).toBe(5);
    },
  );

  it('refused again with fresh credentials, answers 502 after exactly one extra AssumeRole', async () => {
    wire.sts.on(AssumeRoleCommand).resolves(wire.assumedRole());
    wire.redshift.answerWith(fault('InvalidClientTokenId', 403));
    const { app } = wire.gateway();

    const res = await register(app);

    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ type: '/problems/upstream-error', upstream: { code: 'InvalidClientTokenId' } });
    expect(wire.sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
    expect(wire.redshift.calls).toHaveLength(2);
  });
});
