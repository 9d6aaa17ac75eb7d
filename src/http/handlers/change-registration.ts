import type { RequestHandler, Response } from 'express';
import type {
  NamespaceRegistrationRequest,
  RegistrationStatusDocument,
  RegistrationStatusResponse,
} from '../../contract';
import type { RegistrationAction } from '../../domain/access-policy';
import type { Caller } from '../../domain/caller';
import { authorizeChange, changeRegistration, type ChangeRegistrationDeps } from '../../domain/change-registration';
import { mayReadStatus, type RegistrationStatusDeps } from '../../domain/registration-status';
import { changeRegistrationAndWait } from '../../domain/wait-for-registration';
import '../locals';
import { preferredWaitSeconds } from '../prefer';
import { statusLocation } from '../status-location';
import { toRegistrationCommand } from '../wire';
import type { WaitingRoom } from '../waiting-room';

export type ChangeRegistrationHandlerDeps = ChangeRegistrationDeps &
  RegistrationStatusDeps & {
    readonly waitingRoom: WaitingRoom;
  };

/**
 * POST /namespaces/registrations and /namespaces/deregistrations: the caller is authenticated and
 * the body has passed the contract. `202` with `Location` (the status resource); with
 * `Prefer: wait=<seconds>` and the policy's `read`, the gateway keeps working until the change has
 * taken effect, then `200` with the status document and `Preference-Applied`, or the usual `202` when
 * the time runs out (or the gateway shuts down meanwhile).
 */
export function changeRegistrationHandler(
  deps: ChangeRegistrationHandlerDeps,
  action: RegistrationAction,
): RequestHandler<
  Record<string, never>,
  RegistrationStatusResponse | RegistrationStatusDocument,
  NamespaceRegistrationRequest
> {
  return async (req, res) => {
    const context = contextOf(res);
    const command = toRegistrationCommand(req.body, context.awsTarget);
    // Only answers of an accepted change point at the status resource; a problem does not.
    const location = statusLocation(command);
    const waitSeconds = Math.min(preferredWaitSeconds(req.get('prefer')) ?? 0, deps.waitingRoom.maxWaitSeconds);
    // A preference the caller may not have served (no `read`) is ignored, as RFC 7240 lets a server do.
    if (waitSeconds === 0 || !mayReadStatus(deps, context.caller, command)) {
      const status = await changeRegistration(deps, context, action, command);
      res.status(202).location(location).json({ Status: status });
      return;
    }
    const outcome = await deps.waitingRoom.wait(action, (signal) =>
      changeRegistrationAndWait(deps, context, action, command, { waitMs: waitSeconds * 1000, signal }),
    );
    if (outcome.completed) {
      res.set('Preference-Applied', `wait=${waitSeconds}`).status(200).location(location).json(outcome.document);
    } else {
      res.status(202).location(location).json({ Status: outcome.status });
    }
  };
}

/** The policy check alone, ahead of the Idempotency-Key claim: a refused caller claims nothing. */
export function authorizeChangeHandler(
  deps: ChangeRegistrationDeps,
  action: RegistrationAction,
): RequestHandler<Record<string, never>, RegistrationStatusResponse, NamespaceRegistrationRequest> {
  return (req, res, next) => {
    const context = contextOf(res);
    authorizeChange(deps, context, action, toRegistrationCommand(req.body, context.awsTarget));
    next();
  };
}

function contextOf(res: Response): { caller: Caller; requestId: string; awsTarget: string } {
  const { caller, awsTarget } = res.locals;
  if (caller === undefined || awsTarget === undefined) {
    throw new Error('registration handlers run only after authenticate and resolveTarget');
  }
  return { caller, requestId: res.get('X-Request-Id') ?? '', awsTarget };
}
