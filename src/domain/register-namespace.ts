import type { NamespaceRegistrationRequest, RegistrationStatus } from '../contract';
import { toNamespaceTarget } from './namespace-target';
import type { NamespaceRegistry } from './ports';

/**
 * Registers a cluster or serverless namespace to a consumer's Data Catalog.
 * @throws UpstreamError subclasses, as NamespaceRegistry.register.
 */
export async function registerNamespace(
  { namespaceRegistry }: { namespaceRegistry: NamespaceRegistry },
  request: NamespaceRegistrationRequest,
): Promise<RegistrationStatus> {
  const [consumerIdentifier] = request.ConsumerIdentifiers;
  return namespaceRegistry.register({
    target: toNamespaceTarget(request.NamespaceIdentifier),
    consumerIdentifier,
  });
}
