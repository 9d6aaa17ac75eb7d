import { Router } from 'express';
import type { NamespaceRegistry } from '../domain/ports';
import { registerNamespaceHandler } from './handlers/register-namespace';

/** One line per operation of openapi/gateway.yaml. */
export function createRoutes(deps: { namespaceRegistry: NamespaceRegistry }): Router {
  const router = Router();
  router.post('/namespaces/registrations', registerNamespaceHandler(deps));
  return router;
}
