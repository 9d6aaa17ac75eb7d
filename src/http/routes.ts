import { Router } from 'express';
import type { ChangeRegistrationDeps } from '../domain/change-registration';
import { authorizeChangeHandler, changeRegistrationHandler } from './handlers/change-registration';
import { idempotency } from './idempotency/middleware';
import type { IdempotencyStore } from './idempotency/store';

/** One line per operation of openapi/gateway.yaml under /namespaces: policy, then Idempotency-Key, then the change. */
export function createRoutes(deps: ChangeRegistrationDeps & { idempotencyStore: IdempotencyStore }): Router {
  const router = Router();
  const keyed = idempotency(deps.idempotencyStore);
  router.post(
    '/namespaces/registrations',
    authorizeChangeHandler(deps, 'register'),
    keyed,
    changeRegistrationHandler(deps, 'register'),
  );
  router.post(
    '/namespaces/deregistrations',
    authorizeChangeHandler(deps, 'deregister'),
    keyed,
    changeRegistrationHandler(deps, 'deregister'),
  );
  return router;
}
