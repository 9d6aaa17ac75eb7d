import type { NamespaceRegistrationCommand } from '../domain/ports';

export const STATUS_PATH = '/namespaces/registrations/status';

/**
 * The status resource of the command's namespace for its consumer: its query names the body's fields,
 * and the AWS target, always, so that the Location means the same whatever the gateway's default.
 */
export function statusLocation({ awsTarget, target, consumerIdentifier }: NamespaceRegistrationCommand): string {
  const query = new URLSearchParams(
    target.kind === 'provisioned'
      ? { ClusterIdentifier: target.clusterIdentifier }
      : { NamespaceIdentifier: target.namespaceIdentifier, WorkgroupIdentifier: target.workgroupIdentifier },
  );
  query.set('ConsumerIdentifier', consumerIdentifier);
  query.set('target', awsTarget);
  return `${STATUS_PATH}?${query.toString()}`;
}
