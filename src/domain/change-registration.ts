import type { NamespaceRegistrationRequest, RegistrationStatus } from '../contract';
import type { AccessPolicy, RegistrationAction } from './access-policy';
import type { AuditEvent, AuditLog } from './audit';
import type { Caller } from './caller';
import { AppError, ForbiddenError, UpstreamError } from './errors';
import { toNamespaceTarget } from './namespace-target';
import type { NamespaceRegistry } from './ports';

export interface ChangeRegistrationDeps {
  readonly namespaceRegistry: NamespaceRegistry;
  readonly accessPolicy: AccessPolicy;
  readonly auditLog: AuditLog;
}

/**
 * Registers a cluster or serverless namespace to a consumer's Data Catalog, or deregisters it, if
 * the access policy allows the caller to; every attempt is audited, allowed or not.
 * @throws ForbiddenError before any AWS call when the policy does not allow it.
 * @throws UpstreamError subclasses, as NamespaceRegistry.
 */
export async function changeRegistration(
  { namespaceRegistry, accessPolicy, auditLog }: ChangeRegistrationDeps,
  { caller, requestId }: { caller: Caller; requestId: string },
  action: RegistrationAction,
  request: NamespaceRegistrationRequest,
): Promise<RegistrationStatus> {
  const target = toNamespaceTarget(request.NamespaceIdentifier);
  const [consumerIdentifier] = request.ConsumerIdentifiers;
  const decision = accessPolicy.decide({ caller, action, target, consumerIdentifier });
  const audit = (outcome: AuditEvent['outcome']) =>
    auditLog.record({
      time: new Date().toISOString(),
      requestId,
      caller: caller.id,
      action,
      target,
      consumer: consumerIdentifier,
      decision: decision.allowed
        ? { allowed: true, rule: decision.rule }
        : { allowed: false, rule: decision.rule, reason: decision.reason },
      outcome,
    });

  if (!decision.allowed) {
    audit({ result: 'denied' });
    throw new ForbiddenError(`caller '${caller.id}' may not ${action} this namespace for this consumer`);
  }
  try {
    const command = { target, consumerIdentifier };
    const status =
      action === 'register' ? await namespaceRegistry.register(command) : await namespaceRegistry.deregister(command);
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
