import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RedshiftClient, RegisterNamespaceCommand } from '@aws-sdk/client-redshift';
import { mockClient } from 'aws-sdk-client-mock';
import { SignJWT } from 'jose';
import request from 'supertest';
import type { Config } from '../../src/config';
import { buildTestApp } from '../helpers/app';
import { provisionedBody } from '../helpers/bodies';
import { TEST_API_KEY, testConfig } from '../helpers/config';
import {
  AUDIENCE,
  ISSUER,
  newSigningKey,
  signToken,
  startJwksServer,
  unsignedToken,
  type SigningKey,
} from '../helpers/jwks';

const redshift = mockClient(RedshiftClient);
let jwks: Awaited<ReturnType<typeof startJwksServer>>;
let current: SigningKey;
let stranger: SigningKey;
let config: Config;

beforeAll(async () => {
  current = await newSigningKey('key-2026-11');
  stranger = await newSigningKey('key-2026-11'); // same kid, another key: a forged signature
  jwks = await startJwksServer([current]);
  const base = jwtConfig(jwks.url);
  // A short cooldown lets the rotation test refetch the key set within the test.
  config = { ...base, auth: { ...base.auth, jwt: { ...base.auth.jwt!, jwksCooldownMs: 100 } } };
});
afterAll(() => jwks.close());
beforeEach(() => {
  redshift.reset();
  redshift.on(RegisterNamespaceCommand).resolves({ Status: 'Registering' });
  jwks.publish([current]);
});

/** A configuration admitting JWTs of the test issuer, with their keys at `jwksUrl`. */
const jwtConfig = (jwksUrl: string, overrides: Record<string, string> = {}) =>
  testConfig({ JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, JWT_JWKS_URL: jwksUrl, ...overrides });

const post = (app: Parameters<typeof request>[0], authorization?: string) => {
  const req = request(app).post('/namespaces/registrations');
  return (authorization === undefined ? req : req.set('Authorization', authorization)).send(provisionedBody());
};

describe('authentication matrix', () => {
  const refused: [string, () => Promise<string | undefined>][] = [
    ['no credential', () => Promise.resolve(undefined)],
    ['a malformed header', () => Promise.resolve('Bearer')],
    ['a malformed token', () => Promise.resolve('Bearer abc.def.ghi')],
    ['a wrong API key', () => Promise.resolve('Bearer not-a-key')],
    [
      'an expired JWT',
      async () => `Bearer ${await signToken(current, {}, { expiresIn: Math.floor(Date.now() / 1000) - 120 })}`,
    ],
    [
      'a JWT from another issuer',
      async () => `Bearer ${await signToken(current, { iss: 'https://evil.test.invalid/' })}`,
    ],
    ['a JWT for another audience', async () => `Bearer ${await signToken(current, { aud: 'another-service' })}`],
    ['a JWT with alg none', () => Promise.resolve(`Bearer ${unsignedToken()}`)],
    ['a JWT with a bad signature', async () => `Bearer ${await signToken(stranger)}`],
    ['a JWT without a subject', async () => `Bearer ${await signToken(current, { sub: undefined })}`],
    [
      'a JWT with an algorithm not pinned',
      async () => `Bearer ${await signToken(await newSigningKey('key-2026-11', 'PS256'), {}, { alg: 'PS256' })}`,
    ],
  ];

  it.each(refused)('refuses %s with 401 and never calls Redshift', async (_name, header) => {
    const { app } = buildTestApp({ config });

    const res = await post(app, await header());

    expect(res.status).toBe(401);
    expect(res.body.type).toBe('/problems/unauthorized');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="redshift-namespace-gateway"/);
    expect(redshift.calls()).toHaveLength(0);
  });

  it('refuses a JWT signed by a key rotated out of the JWKS, once the new set has been fetched', async () => {
    const { app } = buildTestApp({ config });
    const signedByOldKey = await signToken(current);
    expect((await post(app, `Bearer ${signedByOldKey}`)).status).toBe(202);

    const next = await newSigningKey('key-2026-12');
    jwks.publish([next]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await post(app, `Bearer ${await signToken(next)}`)).status).toBe(202);
    const res = await post(app, `Bearer ${signedByOldKey}`);

    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('accepts a good JWT, naming the caller by its subject', async () => {
    const { app, logs, audit } = buildTestApp({ config });

    const res = await post(app, `Bearer ${await signToken(current)}`);

    expect(res.status).toBe(202);
    expect(logs.records().find((r) => r.msg === 'request completed')).toMatchObject({ caller: 'jwt:svc-backfill' });
    expect(audit[0]).toMatchObject({ caller: 'jwt:svc-backfill' });
  });

  it('accepts a JWT signed by a key rotated in after start, fetching the JWKS again', async () => {
    const { app } = buildTestApp({ config });
    expect((await post(app, `Bearer ${await signToken(current)}`)).status).toBe(202);
    const fetchesBefore = jwks.fetches();

    const next = await newSigningKey('key-2026-12');
    jwks.publish([current, next]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const res = await post(app, `Bearer ${await signToken(next)}`);

    expect(res.status).toBe(202);
    expect(jwks.fetches()).toBe(fetchesBefore + 1);
  });

  it('caches the JWKS: ten tokens, one fetch', async () => {
    const { app } = buildTestApp({ config });
    const before = jwks.fetches();

    for (let i = 0; i < 10; i += 1) expect((await post(app, `Bearer ${await signToken(current)}`)).status).toBe(202);

    expect(jwks.fetches() - before).toBe(1);
  });

  it('names the caller by JWT_IDENTITY_CLAIM when configured', async () => {
    const custom = jwtConfig(jwks.url, { JWT_IDENTITY_CLAIM: 'client_id' });
    const { app, audit } = buildTestApp({ config: custom });

    const res = await post(app, `Bearer ${await signToken(current, { client_id: 'nightly-sync' })}`);

    expect(res.status).toBe(202);
    expect(audit[0]?.caller).toBe('jwt:nightly-sync');
  });

  it('still accepts API keys alongside JWTs', async () => {
    const { app } = buildTestApp({ config });

    expect((await post(app, `Bearer ${TEST_API_KEY}`)).status).toBe(202);
  });

  it('answers 503 with Retry-After when the JWKS cannot be fetched, without calling Redshift', async () => {
    const offline = jwtConfig('http://127.0.0.1:9/jwks.json');
    const { app } = buildTestApp({ config: offline });

    const res = await post(app, `Bearer ${await signToken(current)}`);

    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(redshift.calls()).toHaveLength(0);
  });
});

describe('JWT lifetime', () => {
  it('refuses a JWT without exp, which would never expire', async () => {
    const { app } = buildTestApp({ config });
    const forever = await new SignJWT({ sub: 'svc-backfill' })
      .setProtectedHeader({ alg: 'RS256', kid: current.kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .sign(current.privateKey);

    const res = await post(app, `Bearer ${forever}`);

    expect(res.status).toBe(401);
    expect(res.body.detail).toContain("claim 'exp' is missing");
  });

  it('refuses a JWT issued longer ago than JWT_MAX_AGE_SECONDS, whatever its exp', async () => {
    const base = jwtConfig(jwks.url, { JWT_MAX_AGE_SECONDS: '600' });
    const { app } = buildTestApp({ config: base });
    const old = await signToken(current, { iat: Math.floor(Date.now() / 1000) - 3600 }, { expiresIn: '1d' });

    const res = await post(app, `Bearer ${old}`);

    expect(res.status).toBe(401);
    expect(res.body.detail).toContain('issued too long ago');
  });
});

describe('an identity provider that fails', () => {
  it.each([
    ['answers 500', (res: http.ServerResponse) => res.writeHead(500).end('oops')],
    ['answers HTML', (res: http.ServerResponse) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html/>')],
    ['answers JSON that is no key set', (res: http.ServerResponse) => res.writeHead(200).end('{"keys":"no"}')],
  ])('that %s gives 503 with Retry-After, not 401, and a burst makes one fetch', async (_name, answer) => {
    let fetches = 0;
    const idp = http.createServer((_req, res) => {
      fetches += 1;
      answer(res);
    });
    idp.listen(0, '127.0.0.1');
    await once(idp, 'listening');
    try {
      const broken = jwtConfig(`http://127.0.0.1:${(idp.address() as AddressInfo).port}/jwks.json`);
      const { app } = buildTestApp({ config: broken });
      const token = await signToken(current);

      const answers = [];
      for (let i = 0; i < 20; i += 1) answers.push(await post(app, `Bearer ${token}`));

      expect(new Set(answers.map((res) => res.status))).toEqual(new Set([503]));
      expect(answers[0]?.body.type).toBe('/problems/upstream-unavailable');
      expect(answers[0]?.headers['retry-after']).toBe('5');
      expect(fetches).toBe(1);
      expect(redshift.calls()).toHaveLength(0);
    } finally {
      idp.closeAllConnections();
      idp.close();
    }
  });
});

describe('API key callers and JWT callers with the same name', () => {
  it('do not share Idempotency-Key records or rate-limit budgets', async () => {
    const limited = jwtConfig(jwks.url, { RATE_LIMIT_PER_MINUTE: '1' });
    const { app } = buildTestApp({ config: limited });
    const impostor = `Bearer ${await signToken(current, { sub: 'ci-pipeline' })}`;
    const keyed = (authorization: string) =>
      request(app)
        .post('/namespaces/registrations')
        .set('Authorization', authorization)
        .set('Idempotency-Key', 'shared-key')
        .send(provisionedBody());

    const byKey = await keyed(`Bearer ${TEST_API_KEY}`);
    const byJwt = await keyed(impostor);

    expect(byKey.status).toBe(202);
    expect(byJwt.status).toBe(202);
    expect(byJwt.headers['idempotent-replayed']).toBeUndefined();
    expect(redshift.commandCalls(RegisterNamespaceCommand)).toHaveLength(2);
  });
});
