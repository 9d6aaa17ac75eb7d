import type { RequestHandler } from 'express';
import type { NamespaceRegistrationRequest, RegistrationStatusResponse } from '../../contract';
import type { NamespaceRegistry } from '../../domain/ports';
import { registerNamespace } from '../../domain/register-namespace';

/** POST /namespaces/registrations: the body has passed the contract by the time it gets here. */
export function registerNamespaceHandler(deps: {
  namespaceRegistry: NamespaceRegistry;
}): RequestHandler<Record<string, never>, RegistrationStatusResponse, NamespaceRegistrationRequest> {
  return async (req, res) => {
    const status = await registerNamespace(deps, req.body);
    res.status(202).json({ Status: status });
  };
}
