import type { NamespaceRegistrationRequest, RegistrationStatus } from '../contract';
import type { AccessPolicy } from './access-policy';
import type { AuditEvent, AuditLog } from './audit';
import type { Caller } from './caller';
import { AppError, ForbiddenError, UpstreamError } from './errors';
import { toNamespaceTarget } from './namespace-target';
import type { NamespaceRegistry } from './ports';

export interface RegisterNamespaceDeps {
  readonly namespaceRegistry: NamespaceRegistry;
  readonly accessPolicy: AccessPolicy;
  readonly auditLog: AuditLog;
}

/**
 * Registers a cluster or serverless namespace to a consumer's Data Catalog, if the access policy
 * allows the caller to; every attempt is audited, allowed or not.
 * @throws ForbiddenError before any AWS call when the policy does not allow it.
 * @throws UpstreamError subclasses, as NamespaceRegistry.register.
 */
export async function registerNamespace(
  { namespaceRegistry, accessPolicy, auditLog }: RegisterNamespaceDeps,
  { caller, requestId }: { caller: Caller; requestId: string },
  request: NamespaceRegistrationRequest,
): Promise<RegistrationStatus> {
  const target = toNamespaceTarget(request.NamespaceIdentifier);
  const [consumerIdentifier] = request.ConsumerIdentifiers;
  const decision = accessPolicy.decide({ caller, action: 'register', target, consumerIdentifier });
  const audit = (outcome: AuditEvent['outcome']) =>
    auditLog.record({
      time: new Date().toISOString(),
      requestId,
      caller: caller.id,
      action: 'register',
      target,
      consumer: consumerIdentifier,
      decision: decision.allowed
        ? { allowed: true, rule: decision.rule }
        : { allowed: false, rule: decision.rule, reason: decision.reason },
      outcome,
    });

  if (!decision.allowed) {
    audit({ result: 'denied' });
    throw new ForbiddenError(`${caller.id} may not register this namespace for this consumer`);
  }
  try {
    const status = await namespaceRegistry.register({ target, consumerIdentifier });
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
