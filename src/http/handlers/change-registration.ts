import type { RequestHandler, Response } from 'express';
import type { NamespaceRegistrationRequest, RegistrationStatusResponse } from '../../contract';
import type { RegistrationAction } from '../../domain/access-policy';
import type { Caller } from '../../domain/caller';
import { authorizeChange, changeRegistration, type ChangeRegistrationDeps } from '../../domain/change-registration';
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
    const status = await changeRegistration(deps, contextOf(res), action, req.body);
    res.status(202).json({ Status: status });
  };
}

/** The policy check alone, ahead of the Idempotency-Key claim: a refused caller claims nothing. */
export function authorizeChangeHandler(
  deps: ChangeRegistrationDeps,
  action: RegistrationAction,
): RequestHandler<Record<string, never>, RegistrationStatusResponse, NamespaceRegistrationRequest> {
  return (req, res, next) => {
    authorizeChange(deps, contextOf(res), action, req.body);
    next();
  };
}

function contextOf(res: Response): { caller: Caller; requestId: string } {
  const caller = res.locals.caller;
  if (caller === undefined) throw new Error('registration handlers run only after authenticate');
  return { caller, requestId: res.get('X-Request-Id') ?? '' };
}
