import type { RequestHandler } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import { principalOf } from '../../domain/caller';
import { RateLimitedError } from '../errors';
import '../locals';

/**
 * At most `perMinute` requests per caller per minute, counted after authentication so that the
 * limit is the caller's, not an IP's. Answers carry the IETF `RateLimit` and `RateLimit-Policy`
 * headers; a refused request gets 429 with Retry-After. Counted in this process unless a `store`
 * shared by the replicas is given.
 */
export function limitRatePerCaller(perMinute: number, store?: Store): RequestHandler {
  return rateLimit({
    ...(store === undefined ? {} : { store }),
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (_req, res) => (res.locals.caller ? principalOf(res.locals.caller) : 'anonymous'),
    handler: (req, _res, next) => {
      const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : 60;
      next(new RateLimitedError(`More than ${perMinute} requests in a minute; retry after ${seconds} s`, seconds));
    },
  });
}
