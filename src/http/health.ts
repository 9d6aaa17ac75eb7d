import { Router } from 'express';
import type { Metrics } from '../metrics';

/** What readiness depends on: not draining, and upstream credentials in hand. */
export interface Readiness {
  check(): { ready: true } | { ready: false; reason: string };
}

/**
 * GET /livez: the process answers. GET /readyz: it should be sent traffic; 503 with the reason
 * otherwise. GET /metrics: Prometheus text. None needs a credential, and none calls AWS.
 */
export function createOperationsRoutes({ readiness, metrics }: { readiness: Readiness; metrics: Metrics }): Router {
  const router = Router();
  router.get('/livez', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    const state = readiness.check();
    res.set('Cache-Control', 'no-store');
    if (state.ready) res.json({ status: 'ready' });
    else res.status(503).json({ status: 'not-ready', reason: state.reason });
  });
  router.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
