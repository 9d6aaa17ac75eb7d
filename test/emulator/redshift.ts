import { escapeXml, type WireFault } from './query-xml';
import type { SeedResources } from './seed';
import type { EmulatorState, Place, QueryOutcome } from './state';

// Redshift (Query protocol) and Redshift Serverless (JSON 1.1) as the emulator answers them, from
// the seed and the registrations made so far, in the account and region the call acts in (`place`):
// a call signed for another account or region sees that one's clusters, as on AWS.

export function describeClusters(state: EmulatorState, params: Record<string, string>, place: Place): QueryOutcome {
  const cluster = state.resourcesAt(place).clusters.find((c) => c.identifier === params.ClusterIdentifier);
  if (!cluster) {
    return {
      fault: { code: 'ClusterNotFound', status: 404, message: `Cluster ${params.ClusterIdentifier} not found.` },
    };
  }
  const arn = state.producerArn(place, `cluster:${cluster.identifier}`);
  return {
    result: { ClusterNamespaceArn: arn },
    xml:
      `<Clusters><Cluster><ClusterIdentifier>${escapeXml(cluster.identifier)}</ClusterIdentifier>` +
      `<ClusterStatus>${escapeXml(cluster.status)}</ClusterStatus><ClusterNamespaceArn>${escapeXml(arn)}</ClusterNamespaceArn></Cluster></Clusters>`,
  };
}

/** The producer's INTERNAL datashare, which RegisterNamespace creates, with its consumers: none when nobody is registered. */
export function describeDataSharesForProducer(
  state: EmulatorState,
  params: Record<string, string>,
  place: Place,
): QueryOutcome {
  const arn = params.ProducerArn ?? '';
  const consumers = state.consumersOf(place, arn);
  if (consumers.length === 0) return { result: {}, xml: '<DataShares/>' };
  const associations = consumers
    .map(
      (consumer) =>
        `<member><ConsumerIdentifier>${escapeXml(consumer)}</ConsumerIdentifier><Status>ACTIVE</Status></member>`,
    )
    .join('');
  return {
    result: {},
    xml:
      `<DataShares><member><DataShareArn>${escapeXml(`${arn.replace(/:namespace[:/]/, ':datashare:')}/internal`)}</DataShareArn>` +
      `<ProducerArn>${escapeXml(arn)}</ProducerArn><DataShareType>INTERNAL</DataShareType>` +
      `<DataShareAssociations>${associations}</DataShareAssociations></member></DataShares>`,
  };
}

/**
 * RegisterNamespace and DeregisterNamespace, with the faults AWS gives for each bad target; an
 * accepted change is recorded, and shows in the datashare after the registration delay.
 */
export function changeNamespace(
  state: EmulatorState,
  action: string,
  params: Record<string, string>,
  place: Place,
): QueryOutcome {
  const resources = state.resourcesAt(place);
  const cluster = params['NamespaceIdentifier.ProvisionedIdentifier.ClusterIdentifier'];
  const namespace = params['NamespaceIdentifier.ServerlessIdentifier.NamespaceIdentifier'];
  const workgroup = params['NamespaceIdentifier.ServerlessIdentifier.WorkgroupIdentifier'];
  const consumers = Object.keys(params).filter((key) => key.startsWith('ConsumerIdentifiers.member.'));
  const consumer = params['ConsumerIdentifiers.member.1'];
  const fault = (code: string, status: number, message: string): { fault: WireFault } => ({
    fault: { code, status, message },
  });
  if ((cluster === undefined) === (namespace === undefined && workgroup === undefined)) {
    return fault('InvalidParameterCombination', 400, 'Specify exactly one NamespaceIdentifier.');
  }
  if (consumer === undefined || consumers.length !== 1) {
    return fault('InvalidParameterValue', 400, 'Specify exactly one ConsumerIdentifier.');
  }

  let target: string;
  if (cluster !== undefined) {
    const found = resources.clusters.find((c) => c.identifier === cluster);
    if (!found) return fault('ClusterNotFound', 404, `Cluster ${cluster} not found.`);
    if (found.status !== 'available') {
      return fault(
        'InvalidClusterState',
        400,
        `The operation can't be performed while the cluster ${cluster} is in ${found.status} state.`,
      );
    }
    target = `cluster:${cluster}`;
  } else {
    const found = resources.serverlessNamespaces.find((n) => n.name === namespace || n.id === namespace);
    if (!found) return fault('InvalidNamespaceFault', 400, `Namespace ${namespace} not found.`);
    if (workgroup === undefined || !found.workgroups.includes(workgroup)) {
      return fault(
        'InvalidNamespaceFault',
        400,
        `Workgroup ${workgroup} is not associated with namespace ${namespace}.`,
      );
    }
    target = `namespace:${found.id}`;
  }
  state.recordChange(place, target, consumer, action === 'RegisterNamespace');
  const status = state.faults.answerStatus ?? (action === 'RegisterNamespace' ? 'Registering' : 'Deregistering');
  return status === ''
    ? { result: {}, xml: '' }
    : { result: { Status: status }, xml: `<Status>${escapeXml(status)}</Status>` };
}

/** Redshift Serverless GetNamespace (by name) and ListNamespaces (one namespace a page, to exercise paging). */
export function serverlessAction(
  state: EmulatorState,
  action: string,
  input: Record<string, unknown>,
  place: Place,
): { result: unknown } | { fault: WireFault } {
  const { serverlessNamespaces } = state.resourcesAt(place);
  const describe = (found: SeedResources['serverlessNamespaces'][number]) => ({
    namespaceName: found.name,
    namespaceId: found.id,
    namespaceArn: state.producerArn(place, `namespace:${found.id}`),
    status: 'AVAILABLE',
  });
  if (action === 'GetNamespace') {
    const found = serverlessNamespaces.find((n) => n.name === input.namespaceName);
    return found
      ? { result: { namespace: describe(found) } }
      : {
          fault: {
            code: 'ResourceNotFoundException',
            status: 404,
            message: `Namespace ${String(input.namespaceName)} not found.`,
          },
        };
  }
  const index = Number(input.nextToken ?? 0);
  const page = serverlessNamespaces.slice(index, index + 1).map(describe);
  const more = index + 1 < serverlessNamespaces.length;
  return { result: { namespaces: page, ...(more ? { nextToken: String(index + 1) } : {}) } };
}
