import { DeregisterNamespaceCommand, RedshiftClient, RegisterNamespaceCommand } from '@aws-sdk/client-redshift';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import request from 'supertest';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { loadSeed } from '../emulator/seed';

// The emulator on its own, driven by the real SDK clients: it must accept what the SDK sends and
// refuse, with AWS's codes, what AWS would refuse.
const seed = loadSeed();
const [base] = seed.baseCredentials;
const baseCredentials = { accessKeyId: base!.accessKeyId, secretAccessKey: base!.secretAccessKey };
const ROLE = seed.roles[0]!.arn;
const GUARDED_ROLE = 'arn:aws:iam::111122223333:role/guarded';
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({
    seed: { ...seed, roles: [...seed.roles, { arn: GUARDED_ROLE, externalId: 'expected-id' }] },
  });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const sts = (credentials: AwsCredentialIdentity = baseCredentials) =>
  new STSClient({ region: 'us-east-1', endpoint: emulator.url, credentials, maxAttempts: 1 });
const redshift = (credentials: AwsCredentialIdentity) =>
  new RedshiftClient({ region: 'us-east-1', endpoint: emulator.url, credentials, maxAttempts: 1 });
const registerCommand = () =>
  new RegisterNamespaceCommand({
    NamespaceIdentifier: { ProvisionedIdentifier: { ClusterIdentifier: 'analytics-prod' } },
    ConsumerIdentifiers: ['DataCatalog/111122223333'],
  });

async function assumedCredentials(): Promise<AwsCredentialIdentity> {
  const { Credentials } = await sts().send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'test' }));
  return {
    accessKeyId: Credentials!.AccessKeyId!,
    secretAccessKey: Credentials!.SecretAccessKey!,
    sessionToken: Credentials!.SessionToken!,
  };
}

async function failureOf(promise: Promise<unknown>) {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as { name: string; Code?: string; $metadata: { httpStatusCode: number } } | undefined;
  if (!error) throw new Error('the call succeeded');
  return { code: error.Code ?? error.name, status: error.$metadata.httpStatusCode };
}

describe('emulated STS', () => {
  it('AssumeRole issues temporary credentials with an Expiration from DurationSeconds', async () => {
    const before = Date.now();
    const { Credentials, AssumedRoleUser } = await sts().send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'gw', DurationSeconds: 900 }),
    );

    expect(Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(Credentials?.SessionToken).toBeTruthy();
    expect(Credentials!.Expiration!.getTime() - before).toBeGreaterThan(899_000);
    expect(Credentials!.Expiration!.getTime() - before).toBeLessThan(901_000);
    expect(AssumedRoleUser?.Arn).toBe('arn:aws:sts::111122223333:assumed-role/redshift-namespace-registrar/gw');
  });

  it('GetCallerIdentity names the base user, or the assumed role', async () => {
    expect((await sts().send(new GetCallerIdentityCommand({}))).Arn).toBe(base!.arn);
    expect((await sts(await assumedCredentials()).send(new GetCallerIdentityCommand({}))).Arn).toMatch(/assumed-role/);
  });

  it.each([
    [
      'an unknown role',
      { RoleArn: 'arn:aws:iam::111122223333:role/unknown', RoleSessionName: 'test-session' },
      'AccessDenied',
      403,
    ],
    [
      'a wrong external id',
      { RoleArn: GUARDED_ROLE, RoleSessionName: 'test-session', ExternalId: 'other' },
      'AccessDenied',
      403,
    ],
    [
      'no external id where one is required',
      { RoleArn: GUARDED_ROLE, RoleSessionName: 'test-session' },
      'AccessDenied',
      403,
    ],
    [
      'a duration under 900 s',
      { RoleArn: ROLE, RoleSessionName: 'test-session', DurationSeconds: 60 },
      'ValidationError',
      400,
    ],
  ])('AssumeRole with %s fails with %s', async (_name, input, code, status) => {
    expect(await failureOf(sts().send(new AssumeRoleCommand(input)))).toEqual({ code, status });
  });

  it('AssumeRole with the right external id succeeds', async () => {
    const output = await sts().send(
      new AssumeRoleCommand({ RoleArn: GUARDED_ROLE, RoleSessionName: 'test-session', ExternalId: 'expected-id' }),
    );

    expect(output.Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });
});

describe('emulated Redshift signing checks', () => {
  it('accepts a call signed with assumed credentials and their session token', async () => {
    const output = await redshift(await assumedCredentials()).send(registerCommand());

    expect(output.Status).toBe('Registering');
  });

  it('answers DeregisterNamespace for a serverless namespace with Deregistering', async () => {
    const output = await redshift(await assumedCredentials()).send(
      new DeregisterNamespaceCommand({
        NamespaceIdentifier: {
          ServerlessIdentifier: { NamespaceIdentifier: 'sales-ns', WorkgroupIdentifier: 'sales-wg' },
        },
        ConsumerIdentifiers: ['DataCatalog/111122223333'],
      }),
    );

    expect(output.Status).toBe('Deregistering');
  });

  it('refuses an unsigned call with MissingAuthenticationToken', async () => {
    const res = await request(emulator.url).post('/').type('form').send('Action=RegisterNamespace&Version=2012-12-01');

    expect(res.status).toBe(403);
    expect(res.text).toContain('<Code>MissingAuthenticationToken</Code>');
  });

  it('refuses an unknown access key with InvalidClientTokenId', async () => {
    const failure = await failureOf(
      redshift({ accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' }).send(registerCommand()),
    );

    expect(failure).toEqual({ code: 'InvalidClientTokenId', status: 403 });
  });

  it('refuses a signature made with the wrong secret with SignatureDoesNotMatch', async () => {
    const failure = await failureOf(
      sts({ ...baseCredentials, secretAccessKey: 'wrong' }).send(new GetCallerIdentityCommand({})),
    );

    expect(failure).toEqual({ code: 'SignatureDoesNotMatch', status: 403 });
  });

  it('refuses the base credentials on Redshift with AccessDenied', async () => {
    expect(await failureOf(redshift(baseCredentials).send(registerCommand()))).toEqual({
      code: 'AccessDenied',
      status: 403,
    });
  });

  it('refuses assumed credentials without their session token with InvalidClientTokenId', async () => {
    const { sessionToken: _dropped, ...withoutToken } = await assumedCredentials();

    expect(await failureOf(redshift(withoutToken).send(registerCommand()))).toEqual({
      code: 'InvalidClientTokenId',
      status: 403,
    });
  });

  it('refuses expired credentials with ExpiredToken', async () => {
    emulator.setFaults({ credentialLifetimeSeconds: 1 });
    const credentials = await assumedCredentials();
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    expect(await failureOf(redshift(credentials).send(registerCommand()))).toEqual({
      code: 'ExpiredToken',
      status: 403,
    });
  });

  it('records every call with its action, signer, parameters and answer', async () => {
    const credentials = await assumedCredentials();
    await redshift(credentials).send(registerCommand());

    const calls = (await request(emulator.url).get('/_emulator/calls')).body;
    expect(calls).toEqual([
      expect.objectContaining({ service: 'sts', action: 'AssumeRole', accessKeyId: base!.accessKeyId, status: 200 }),
      expect.objectContaining({
        service: 'redshift',
        action: 'RegisterNamespace',
        accessKeyId: credentials.accessKeyId,
        status: 200,
        result: { Status: 'Registering' },
        params: expect.objectContaining({ 'ConsumerIdentifiers.member.1': 'DataCatalog/111122223333' }),
      }),
    ]);
  });
});

describe('the control endpoint', () => {
  it('sets faults, refuses unknown ones, and resets', async () => {
    const set = await request(emulator.url).put('/_emulator/faults').send({ throttleNext: 2, latencyMs: 10 });
    const refused = await request(emulator.url).put('/_emulator/faults').send({ explode: true });
    await request(emulator.url).post('/_emulator/reset');
    const after = await request(emulator.url).get('/_emulator/faults');

    expect(set.body).toMatchObject({ throttleNext: 2, latencyMs: 10 });
    expect(refused.status).toBe(400);
    expect(after.body).toMatchObject({ throttleNext: 0, latencyMs: 0 });
  });

  it('throttles exactly the next N calls', async () => {
    const client = redshift(await assumedCredentials());
    emulator.setFaults({ throttleNext: 1 });

    expect(await failureOf(client.send(registerCommand()))).toEqual({ code: 'Throttling', status: 400 });
    expect((await client.send(registerCommand())).Status).toBe('Registering');
  });
});
