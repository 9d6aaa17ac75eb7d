import type { RequestHandler } from 'express';
import type { Metrics } from '../../metrics';
import '../locals';
import { routeTemplate } from '../route-template';

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
        caller: res.locals.caller?.id ?? 'none',
      };
      metrics.httpRequests.inc(labels);
      stop(labels);
    });
    next();
  };
}
