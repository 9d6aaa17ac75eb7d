import type { RequestHandler } from 'express';
import type { NamespaceRegistrationRequest, RegistrationStatusResponse } from '../../contract';
import type { RegistrationAction } from '../../domain/access-policy';
import { changeRegistration, type ChangeRegistrationDeps } from '../../domain/change-registration';
import '../locals';

/**
 * POST /namespaces/registrations and /namespaces/deregistrations: the caller is authenticated and
 * the body has passed the contract.
 */
export function changeRegistrationHandler(
  deps: ChangeRegistrationDeps,
  action: RegistrationAction,
): RequestHandler<Record<string, never>, RegistrationStatusResponse, NamespaceRegistrationRequest> {
  return async (req, res) => {
    const caller = res.locals.caller;
    if (caller === undefined) throw new Error('changeRegistrationHandler runs only after authenticate');
    const status = await changeRegistration(
      deps,
      { caller, requestId: res.get('X-Request-Id') ?? '' },
      action,
      req.body,
    );
    res.status(202).json({ Status: status });
  };
}
