import { createHash } from 'node:crypto';
import { Router } from 'express';
import type { Metrics } from '../metrics';
import { GATEWAY_COMMIT, GATEWAY_VERSION } from '../version';
import { createApiKeyVerifier } from './auth/api-keys';
import { bearerTokenOf } from './auth/bearer';
import { UnauthorizedError } from './errors';

/** Whether an Authorization header carries `token` (compared as API keys are); anything goes without one. */
function createTokenCheck(token: string | undefined): (authorization: string | undefined) => boolean {
  if (token === undefined) return () => true;
  const verify = createApiKeyVerifier([{ name: 'metrics', digest: createHash('sha256').update(token).digest() }]);
  return (authorization) => verify(bearerTokenOf(authorization) ?? '') !== undefined;
}

/** What readiness depends on: not draining, and upstream credentials in hand. */
export interface Readiness {
  check(): { ready: true } | { ready: false; reason: string };
}

/**
 * GET /livez: the process answers, with its version and commit. GET /readyz: it should be sent traffic; 503 with the reason
 * otherwise. GET /metrics: Prometheus text. None needs a credential, and none calls AWS.
 */
export function createOperationsRoutes({
  readiness,
  metrics,
  metricsToken,
}: {
  readiness: Readiness;
  metrics: Metrics;
  /** When set, GET /metrics wants `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
}): Router {
  const router = Router();
  router.get('/livez', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok', version: GATEWAY_VERSION, commit: GATEWAY_COMMIT });
  });
  router.get('/readyz', (_req, res) => {
    const state = readiness.check();
    res.set('Cache-Control', 'no-store');
    if (state.ready) res.json({ status: 'ready' });
    else res.status(503).json({ status: 'not-ready', reason: state.reason });
  });
  const metricsAllowed = createTokenCheck(metricsToken);
  router.get('/metrics', async (req, res) => {
    if (!metricsAllowed(req.get('authorization'))) {
      throw new UnauthorizedError("GET /metrics needs 'Authorization: Bearer <METRICS_TOKEN>'.");
    }
    res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
