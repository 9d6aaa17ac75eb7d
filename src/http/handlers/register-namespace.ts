import type { RequestHandler } from 'express';
import type { NamespaceRegistrationRequest, RegistrationStatusResponse } from '../../contract';
import { registerNamespace, type RegisterNamespaceDeps } from '../../domain/register-namespace';
import '../locals';

/** POST /namespaces/registrations: the caller is authenticated and the body has passed the contract. */
export function registerNamespaceHandler(
  deps: RegisterNamespaceDeps,
): RequestHandler<Record<string, never>, RegistrationStatusResponse, NamespaceRegistrationRequest> {
  return async (req, res) => {
    const caller = res.locals.caller;
    if (caller === undefined) throw new Error('registerNamespaceHandler runs only after authenticate');
    const status = await registerNamespace(deps, { caller, requestId: res.get('X-Request-Id') ?? '' }, req.body);
    res.status(202).json({ Status: status });
  };
}
