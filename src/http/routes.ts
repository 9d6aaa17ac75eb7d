import { Router } from 'express';
import {
  authorizeChangeHandler,
  changeRegistrationHandler,
  type ChangeRegistrationHandlerDeps,
} from './handlers/change-registration';
import { CONSUMERS_PATH, namespaceConsumersHandler, putNamespaceConsumersHandler } from './handlers/desired-consumers';
import { registrationStatusHandler } from './handlers/registration-status';
import { idempotency } from './idempotency/middleware';
import type { IdempotencyStore } from './idempotency/store';
import { resolveTarget, type TargetNames } from './middleware/resolve-target';
import { STATUS_PATH } from './status-location';

/**
 * One line per operation of openapi/gateway.yaml under /namespaces. Each first resolves its AWS
 * target; the changes then: policy, Idempotency-Key, the change.
 */
export function createRoutes(
  deps: ChangeRegistrationHandlerDeps & {
    idempotencyStore: IdempotencyStore;
    targets: TargetNames;
    /** A desired-state PUT's changes carried out at once. */
    changesAtOnce: number;
  },
): Router {
  const router = Router();
  const keyed = idempotency(deps.idempotencyStore);
  router.all(
    ['/namespaces/registrations', '/namespaces/deregistrations', STATUS_PATH, CONSUMERS_PATH],
    resolveTarget(deps.targets),
  );
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
  router.get(STATUS_PATH, registrationStatusHandler(deps));
  router.get(CONSUMERS_PATH, namespaceConsumersHandler(deps));
  // Policy per change, inside: a PUT may hold changes the caller may make beside some it may not.
  router.put(CONSUMERS_PATH, keyed, putNamespaceConsumersHandler(deps));
  return router;
}
