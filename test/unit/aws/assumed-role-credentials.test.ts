import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { createAssumedRole, RoleAssumptionError } from '../../../src/aws/assumed-role-credentials';

const sts = mockClient(STSClient);
let clock = 1_000_000;

function credentials(id: string, lifetimeMs: number) {
  return {
    Credentials: {
      AccessKeyId: id,
      SecretAccessKey: 'secret',
      SessionToken: 'token',
      Expiration: new Date(clock + lifetimeMs),
    },
  };
}

function assumedRole(random = () => 0.5) {
  return createAssumedRole({
    sts: new STSClient({ region: 'eu-west-1' }),
    roleArn: 'arn:aws:iam::111122223333:role/r',
    externalId: undefined,
    sessionName: 's',
    durationSeconds: 3600,
    now: () => clock,
    random,
  });
}

const provider = () => assumedRole().credentials;

beforeEach(() => {
  sts.reset();
  clock = 1_000_000;
});

describe('createAssumedRole', () => {
  it('shares one AssumeRole among concurrent callers and reuses it until the refresh point', async () => {
    sts.on(AssumeRoleCommand).resolves(credentials('A', 3600_000));
    const get = provider();

    const first = await Promise.all([get(), get(), get()]);
    clock += 3600_000 - 5 * 60_000 - 1;
    const later = await get();

    expect(new Set(first.map((c) => c.accessKeyId))).toEqual(new Set(['A']));
    expect(later.accessKeyId).toBe('A');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  it('refreshes five minutes before expiry', async () => {
    sts.on(AssumeRoleCommand).resolvesOnce(credentials('A', 3600_000)).resolves(credentials('B', 3600_000));
    const get = provider();

    await get();
    clock += 3600_000 - 5 * 60_000;
    const refreshed = await get();

    expect(refreshed.accessKeyId).toBe('B');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('refreshes short-lived credentials at three quarters of their lifetime, not on every call', async () => {
    sts.on(AssumeRoleCommand).resolvesOnce(credentials('A', 60_000)).resolves(credentials('B', 60_000));
    const get = provider();

    await get();
    clock += 44_000;
    expect((await get()).accessKeyId).toBe('A');
    clock += 1_000;
    expect((await get()).accessKeyId).toBe('B');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('keeps using still-valid credentials while STS fails, and tries again after a pause', async () => {
    sts
      .on(AssumeRoleCommand)
      .resolvesOnce(credentials('A', 3600_000))
      .rejectsOnce(new Error('STS down'))
      .resolves(credentials('B', 3600_000));
    const get = provider();

    await get();
    clock += 3600_000 - 60_000;
    expect((await get()).accessKeyId).toBe('A');
    expect((await get()).accessKeyId).toBe('A');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
    clock += 5_000;
    expect((await get()).accessKeyId).toBe('B');
  });

  it('with no valid credentials and STS failing, throws RoleAssumptionError with the cause', async () => {
    const denied = Object.assign(new Error('denied'), { name: 'AccessDenied' });
    sts.on(AssumeRoleCommand).rejects(denied);

    await expect(provider()()).rejects.toMatchObject({ name: 'RoleAssumptionError', cause: denied });
    await expect(provider()()).rejects.toBeInstanceOf(RoleAssumptionError);
  });

  it('rejects an answer without a session token', async () => {
    sts
      .on(AssumeRoleCommand)
      .resolves({ Credentials: { ...credentials('A', 3600_000).Credentials, SessionToken: undefined } });

    await expect(provider()()).rejects.toBeInstanceOf(RoleAssumptionError);
  });
});

describe('createAssumedRole back-off without valid credentials', () => {
  const denied = Object.assign(new Error('denied'), { name: 'AccessDenied' });

  it('pauses attempts with growing, jittered back-off, answering at once from the last failure meanwhile', async () => {
    sts.on(AssumeRoleCommand).rejects(denied);
    // Jitter at its top: each pause is its full ceiling, 1 s, 2 s, 4 s, ...
    const role = assumedRole(() => 0.999_999);
    const attempts = () => sts.commandCalls(AssumeRoleCommand).length;

    await expect(role.credentials()).rejects.toMatchObject({ retryAfterSeconds: 1, cause: denied });
    await Promise.all(
      Array.from({ length: 20 }, () => expect(role.credentials()).rejects.toBeInstanceOf(RoleAssumptionError)),
    );
    expect(attempts()).toBe(1);

    clock += 1_000;
    await expect(role.credentials()).rejects.toMatchObject({ retryAfterSeconds: 2 });
    expect(attempts()).toBe(2);
    clock += 1_999;
    await expect(role.credentials()).rejects.toBeInstanceOf(RoleAssumptionError);
    expect(attempts()).toBe(2);
    clock += 1;
    await expect(role.credentials()).rejects.toMatchObject({ retryAfterSeconds: 4 });
    expect(attempts()).toBe(3);
  });

  it('never pauses longer than 30 s, and at least half the ceiling', async () => {
    sts.on(AssumeRoleCommand).rejects(denied);
    const role = assumedRole(() => 0);

    for (let failure = 0; failure < 10; failure += 1) {
      await expect(role.credentials()).rejects.toBeInstanceOf(RoleAssumptionError);
      clock += 60_000;
    }
    await expect(role.credentials()).rejects.toMatchObject({ retryAfterSeconds: 15 });
  });

  it('a success ends the back-off', async () => {
    sts.on(AssumeRoleCommand).rejectsOnce(denied).resolves(credentials('A', 3600_000));
    const role = assumedRole();

    await expect(role.credentials()).rejects.toBeInstanceOf(RoleAssumptionError);
    clock += 1_000;

    expect((await role.credentials()).accessKeyId).toBe('A');
    expect(role.readiness()).toEqual({ ready: true });
  });
});

describe('createAssumedRole discard, for credentials AWS refused', () => {
  it('drops credentials of the refused generation once; a newer generation is kept', async () => {
    sts.on(AssumeRoleCommand).resolvesOnce(credentials('A', 3600_000)).resolves(credentials('B', 3600_000));
    const role = assumedRole();
    await role.credentials();
    const refusedGeneration = role.generation();

    // Five calls signed with A are refused at once: the first discards, the others find B already.
    expect(role.discard(refusedGeneration)).toBe(true);
    const renewed = await Promise.all(Array.from({ length: 5 }, () => role.credentials()));
    const again = Array.from({ length: 4 }, () => role.discard(refusedGeneration));

    expect(new Set(renewed.map((c) => c.accessKeyId))).toEqual(new Set(['B']));
    expect(again).toEqual([false, false, false, false]);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
    expect(role.generation()).toBe(refusedGeneration + 1);
  });

  it('is memoized for the SDK, so that the client asks it on every call', () => {
    expect((assumedRole().credentials as { memoized?: boolean }).memoized).toBe(true);
  });
});

describe('createAssumedRole readiness', () => {
  it('is not ready before the first AssumeRole, ready after, and not ready once STS fails with nothing cached', async () => {
    sts
      .on(AssumeRoleCommand)
      .resolvesOnce(credentials('A', 1_000_000))
      .rejects(Object.assign(new Error('x'), { name: 'AccessDenied' }));
    const role = assumedRole();

    expect(role.readiness()).toEqual({ ready: false, reason: 'the role has not been assumed yet' });
    await role.credentials();
    expect(role.readiness()).toEqual({ ready: true });
    clock += 1_000_001;
    await expect(role.credentials()).rejects.toBeInstanceOf(RoleAssumptionError);
    expect(role.readiness()).toEqual({
      ready: false,
      reason: expect.stringMatching(/^the role cannot be assumed \(AccessDenied\); next attempt in \d+ s$/),
    });
  });

  it('refreshes in the background at most once every few seconds, never waiting on STS', async () => {
    sts.on(AssumeRoleCommand).rejects(new Error('down'));
    const role = assumedRole();

    role.refreshInBackground();
    role.refreshInBackground();
    await new Promise((resolve) => setImmediate(resolve));
    clock += 1_000;
    role.refreshInBackground();
    await new Promise((resolve) => setImmediate(resolve));
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);

    clock += 5_000;
    role.refreshInBackground();
    await new Promise((resolve) => setImmediate(resolve));
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });
});
