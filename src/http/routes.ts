import { Router } from 'express';
import type { ChangeRegistrationDeps } from '../domain/change-registration';
import { changeRegistrationHandler } from './handlers/change-registration';

/** One line per operation of openapi/gateway.yaml under /namespaces. */
export function createRoutes(deps: ChangeRegistrationDeps): Router {
  const router = Router();
  router.post('/namespaces/registrations', changeRegistrationHandler(deps, 'register'));
  router.post('/namespaces/deregistrations', changeRegistrationHandler(deps, 'deregister'));
  return router;
}
