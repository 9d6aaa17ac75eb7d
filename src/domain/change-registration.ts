import type { AccessPolicy, RegistrationAction } from './access-policy';
import type { AuditEvent, AuditLog } from './audit';
import { principalOf, type Caller } from './caller';
import { AppError, ForbiddenError, UpstreamError } from './errors';
import type { NamespaceRegistrationCommand, NamespaceRegistry, RegistrationStatus } from './ports';

export interface ChangeRegistrationDeps {
  readonly namespaceRegistry: NamespaceRegistry;
  readonly accessPolicy: AccessPolicy;
  readonly auditLog: AuditLog;
}

/**
 * Whether the access policy allows the caller this change; a refusal is audited and thrown. The HTTP
 * edge asks this before it claims an Idempotency-Key, so that a caller the policy refuses cannot fill
 * the idempotency store; changeRegistration asks it again, so that it is safe on its own.
 * @throws ForbiddenError when the policy does not allow it.
 */
export function authorizeChange(
  deps: Pick<ChangeRegistrationDeps, 'accessPolicy' | 'auditLog'>,
  context: { caller: Caller; requestId: string },
  action: RegistrationAction,
  command: NamespaceRegistrationCommand,
): void {
  decide(deps, context, action, command);
}

/**
 * Registers a cluster or serverless namespace to a consumer's Data Catalog, or deregisters it, if
 * the access policy allows the caller to; every attempt is audited, allowed or not.
 * @throws ForbiddenError before any AWS call when the policy does not allow it.
 * @throws UpstreamError subclasses, as NamespaceRegistry.
 */
export async function changeRegistration(
  deps: ChangeRegistrationDeps,
  context: { caller: Caller; requestId: string; waitUntil?: number },
  action: RegistrationAction,
  command: NamespaceRegistrationCommand,
): Promise<RegistrationStatus> {
  const audit = decide(deps, context, action, command);
  const options = { requestedBy: principalOf(context.caller), waitUntil: context.waitUntil };
  try {
    const status =
      action === 'register'
        ? await deps.namespaceRegistry.register(command, options)
        : await deps.namespaceRegistry.deregister(command, options);
    audit({ result: 'accepted', status });
    return status;
  } catch (error) {
    audit({
      result: 'failed',
      error: error instanceof AppError ? error.code : 'internal-error',
      upstream: error instanceof UpstreamError ? error.upstream : undefined,
    });
    throw error;
  }
}

/** The policy's decision; returns an audit function for the outcome, throws (audited) on a refusal. */
function decide(
  { accessPolicy, auditLog }: Pick<ChangeRegistrationDeps, 'accessPolicy' | 'auditLog'>,
  { caller, requestId }: { caller: Caller; requestId: string },
  action: RegistrationAction,
  { awsTarget, target, consumerIdentifier }: NamespaceRegistrationCommand,
) {
  const decision = accessPolicy.decide({ caller, action, awsTarget, target, consumerIdentifier });
  const audit = (outcome: AuditEvent['outcome']) =>
    auditLog.record({
      time: new Date().toISOString(),
      requestId,
      caller: principalOf(caller),
      action,
      awsTarget,
      target,
      consumer: consumerIdentifier,
      decision: decision.allowed
        ? { allowed: true, rule: decision.rule }
        : { allowed: false, rule: decision.rule, reason: decision.reason },
      outcome,
    });

  if (!decision.allowed) {
    audit({ result: 'denied' });
    throw new ForbiddenError(
      decision.reason === 'id-not-name'
        ? `the access policy names serverless namespaces and workgroups by name: send their names, not their ids`
        : `caller '${caller.id}' may not ${action} this namespace for this consumer in target '${awsTarget}'`,
    );
  }
  return audit;
}
