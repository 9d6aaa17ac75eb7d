import { Router } from 'express';
import type { RegisterNamespaceDeps } from '../domain/register-namespace';
import { registerNamespaceHandler } from './handlers/register-namespace';

/** One line per operation of openapi/gateway.yaml. */
export function createRoutes(deps: RegisterNamespaceDeps): Router {
  const router = Router();
  router.post('/namespaces/registrations', registerNamespaceHandler(deps));
  return router;
}
