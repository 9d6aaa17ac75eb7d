import type { AccessPolicy } from './access-policy';
import { principalOf, type Caller } from './caller';
import { ForbiddenError } from './errors';
import type { NamespaceRegistrationCommand, RegistrationStatusDocument, RegistrationStatusReader } from './ports';

export interface RegistrationStatusDeps {
  readonly statusReader: RegistrationStatusReader;
  readonly accessPolicy: AccessPolicy;
}

/** Whether the policy lets the caller read the registration status of the command's namespace for its consumer. */
export function mayReadStatus(
  { accessPolicy }: Pick<RegistrationStatusDeps, 'accessPolicy'>,
  caller: Caller,
  command: NamespaceRegistrationCommand,
): boolean {
  return accessPolicy.decide({ caller, action: 'read', ...command }).allowed;
}

/**
 * Whether the command's namespace is registered to the consumer's Data Catalog, if the policy allows
 * the caller to read it (action `read`).
 * @throws ForbiddenError before any AWS call when the policy does not allow it.
 * @throws UpstreamError subclasses, as RegistrationStatusReader.
 */
export async function readRegistrationStatus(
  deps: RegistrationStatusDeps,
  caller: Caller,
  command: NamespaceRegistrationCommand,
): Promise<RegistrationStatusDocument> {
  if (!mayReadStatus(deps, caller, command)) {
    throw new ForbiddenError(`caller '${caller.id}' may not read the registration status of this namespace`);
  }
  return deps.statusReader.read(command, { requestedBy: principalOf(caller) });
}
