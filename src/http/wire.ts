import type { NamespaceRegistrationRequest } from '../contract';
import type { NamespaceTarget } from '../domain/namespace-target';
import type { NamespaceRegistrationCommand } from '../domain/ports';

// The edge's one translation from the contract's wire shapes to the domain's own types.

/**
 * Reads the tagged union of the contract. The validator has already ensured exactly one member is
 * set; this throws if that promise was broken, rather than guessing.
 */
export function toNamespaceTarget(identifier: NamespaceRegistrationRequest['NamespaceIdentifier']): NamespaceTarget {
  const { ProvisionedIdentifier: provisioned, ServerlessIdentifier: serverless } = identifier;
  if (provisioned !== undefined && serverless === undefined) {
    return { kind: 'provisioned', clusterIdentifier: provisioned.ClusterIdentifier };
  }
  if (serverless !== undefined && provisioned === undefined) {
    return {
      kind: 'serverless',
      namespaceIdentifier: serverless.NamespaceIdentifier,
      workgroupIdentifier: serverless.WorkgroupIdentifier,
    };
  }
  throw new TypeError('NamespaceIdentifier must hold exactly one member');
}

/** A registration or deregistration body, for the AWS target `awsTarget`, as the domain's command. */
export function toRegistrationCommand(
  body: NamespaceRegistrationRequest,
  awsTarget: string,
): NamespaceRegistrationCommand {
  return {
    awsTarget,
    target: toNamespaceTarget(body.NamespaceIdentifier),
    consumerIdentifier: body.ConsumerIdentifiers[0],
  };
}
