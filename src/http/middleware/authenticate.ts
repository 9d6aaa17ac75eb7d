import type { Request, RequestHandler } from 'express';
import type { Caller } from '../../domain/caller';
import { createApiKeyVerifier } from '../auth/api-keys';
import type { AuthOptions } from '../auth/settings';
import { bearerTokenOf } from '../auth/bearer';
import { createJwtVerifier } from '../auth/jwt-verifier';
import { UnauthorizedError } from '../errors';
import '../locals';

const ANONYMOUS: Caller = Object.freeze({ id: 'anonymous', via: 'none', groups: [] });
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Admits callers with a known API key (`Authorization: Bearer <key>` or `X-API-Key: <key>`) or,
 * when configured, a valid JWT (`Authorization: Bearer <jwt>`), and leaves the caller in
 * res.locals.caller. With AUTH_DISABLED every caller is 'anonymous'.
 */
export function authenticate(auth: AuthOptions): RequestHandler {
  const verifyApiKey = createApiKeyVerifier(auth.apiKeys);
  const verifyJwt = auth.jwt && createJwtVerifier(auth.jwt);
  return async (req, res, next) => {
    if (auth.disabled) {
      res.locals.caller = ANONYMOUS;
      next();
      return;
    }
    const credential = presentedCredential(req);
    if (credential === undefined) {
      throw new UnauthorizedError(
        "Send an API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>', or a bearer JWT.",
      );
    }
    if (verifyJwt && credential.scheme === 'bearer' && JWT_SHAPE.test(credential.value)) {
      res.locals.caller = await verifyJwt(credential.value);
      next();
      return;
    }
    const name = verifyApiKey(credential.value);
    if (name === undefined) throw new UnauthorizedError('The API key is not valid.');
    res.locals.caller = { id: name, via: 'api-key', groups: [] };
    next();
  };
}

function presentedCredential(req: Request): { scheme: 'bearer' | 'api-key'; value: string } | undefined {
  const authorization = req.get('authorization');
  if (authorization !== undefined) {
    const value = bearerTokenOf(authorization);
    return value === undefined ? undefined : { scheme: 'bearer', value };
  }
  const apiKey = req.get('x-api-key')?.trim();
  return apiKey ? { scheme: 'api-key', value: apiKey } : undefined;
}
