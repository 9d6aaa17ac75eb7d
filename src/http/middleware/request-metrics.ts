import type { RequestHandler } from 'express';
import type { Caller } from '../../domain/caller';
import type { Metrics } from '../../metrics';
import '../locals';
import { routeTemplate } from '../route-template';

// Label values must stay a bounded set: API key names are (they are configured); JWT identities are
// not, so every JWT caller counts as 'jwt'.
function callerLabel(caller: Caller | undefined): string {
  if (caller === undefined) return 'none';
  return caller.via === 'api-key' ? caller.id : caller.via === 'jwt' ? 'jwt' : 'anonymous';
}

/**
 * Counts and times every answer. The route label is the matched route template, never the raw path,
 * so that the number of series stays bounded.
 */
export function recordRequestMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      const labels = {
        method: req.method,
        route: routeTemplate(req) ?? 'unmatched',
        status: String(res.statusCode),
        caller: callerLabel(res.locals.caller),
      };
      metrics.httpRequests.inc(labels);
      stop(labels);
    });
    next();
  };
}
