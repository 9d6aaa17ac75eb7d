import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';

export const ISSUER = 'https://idp.test.invalid/';
export const AUDIENCE = 'redshift-namespace-gateway';

export interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  jwk: JWK;
}

export async function newSigningKey(kid: string, alg = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A JWKS endpoint on loopback whose key set a test can rotate; it counts its fetches. */
export async function startJwksServer(keys: SigningKey[]) {
  let published = keys;
  let fetches = 0;
  const server = http.createServer((_req, res) => {
    fetches += 1;
    res
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ keys: published.map((key) => key.jwk) }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    publish(next: SigningKey[]) {
      published = next;
    },
    fetches: () => fetches,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A signed token with the usual claims; `claims` overrides or adds any of them. */
export function signToken(
  key: SigningKey,
  claims: Record<string, unknown> = {},
  { alg = 'RS256', expiresIn = '5m' }: { alg?: string; expiresIn?: string | number } = {},
): Promise<string> {
  return new SignJWT({ sub: 'svc-backfill', groups: ['data-platform'], ...claims })
    .setProtectedHeader({ alg, kid: key.kid, typ: 'JWT' })
    .setIssuer((claims.iss as string | undefined) ?? ISSUER)
    .setAudience((claims.aud as string | undefined) ?? AUDIENCE)
    .setIssuedAt(claims.iat as number | undefined)
    .setExpirationTime(expiresIn)
    .sign(key.privateKey);
}

/** An unsecured token (`alg: none`), which must never be accepted. */
export function unsignedToken(claims: Record<string, unknown> = {}): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: 'svc-backfill', iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 300, ...claims })}.`;
}
