import type { Request, RequestHandler } from 'express';
import type { Config } from '../../config';
import { createApiKeyVerifier } from '../api-keys';
import { UnauthorizedError } from '../errors';
import '../locals';

const ANONYMOUS = 'anonymous';

/**
 * Admits callers with a known API key, sent as `Authorization: Bearer <key>` or `X-API-Key: <key>`,
 * and names them in res.locals.caller. With auth disabled every caller is 'anonymous'.
 */
export function authenticate(auth: Config['auth']): RequestHandler {
  const verify = createApiKeyVerifier(auth.apiKeys);
  return (req, res, next) => {
    if (auth.disabled) {
      res.locals.caller = ANONYMOUS;
      next();
      return;
    }
    const presented = presentedKey(req);
    if (presented === undefined) {
      next(new UnauthorizedError("Send an API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'."));
      return;
    }
    const caller = verify(presented);
    if (caller === undefined) {
      next(new UnauthorizedError('The API key is not valid.'));
      return;
    }
    res.locals.caller = caller;
    next();
  };
}

function presentedKey(req: Request): string | undefined {
  const authorization = req.get('authorization');
  if (authorization !== undefined) {
    // The scheme name is case-insensitive (RFC 9110, section 11.1).
    const match = /^bearer +(\S+) *$/i.exec(authorization);
    return match?.[1];
  }
  const apiKey = req.get('x-api-key')?.trim();
  return apiKey === '' ? undefined : apiKey;
}
