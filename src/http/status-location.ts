import type { NamespaceTarget } from '../domain/namespace-target';

export const STATUS_PATH = '/namespaces/registrations/status';

/** The status resource of `target` for `consumerIdentifier`: its query names the body's fields. */
export function statusLocation(target: NamespaceTarget, consumerIdentifier: string): string {
  const query = new URLSearchParams(
    target.kind === 'provisioned'
      ? { ClusterIdentifier: target.clusterIdentifier }
      : { NamespaceIdentifier: target.namespaceIdentifier, WorkgroupIdentifier: target.workgroupIdentifier },
  );
  query.set('ConsumerIdentifier', consumerIdentifier);
  return `${STATUS_PATH}?${query.toString()}`;
}
