import {
  DescribeClustersCommand,
  DescribeDataSharesForProducerCommand,
  type DataShare,
  type RedshiftClient,
} from '@aws-sdk/client-redshift';
import {
  GetNamespaceCommand,
  ListNamespacesCommand,
  type RedshiftServerlessClient,
} from '@aws-sdk/client-redshift-serverless';
import type { RegistrationStatusDocument } from '../domain/ports';
import { ClusterNotFoundError, InvalidNamespaceError } from '../domain/errors';
import { describeTarget, isServerlessId, type NamespaceTarget } from '../domain/namespace-target';
import type { RegistrationStatusReader } from '../domain/ports';
import { startDeadline, type Deadline } from './deadline';
import type { AssumedRole } from './assumed-role-credentials';
import { withCredentialRecovery } from './credential-recovery';
import { metricCodeOf, translateFault } from './fault-translation';
import type { CredentialRefusal, UpstreamCallRecord } from './sdk-namespace-registry';

// Pages at most, for the few list calls a read makes: bounds a read against a runaway account.
const MAX_PAGES = 50;

/**
 * RegistrationStatusReader on Redshift, read as Terraform's aws_redshift_namespace_registration reads
 * it: the producer namespace's ARN (DescribeClusters, or Redshift Serverless GetNamespace by name and
 * ListNamespaces by id), then its datashares (DescribeDataSharesForProducer, every page) and among
 * them the INTERNAL one, which RegisterNamespace creates. One deadline per read, `timeoutMs`.
 */
export function createSdkRegistrationStatusReader({
  redshift,
  serverless,
  role,
  timeoutMs,
  onCall,
  onCredentialsRefused,
}: {
  redshift: RedshiftClient;
  serverless: RedshiftServerlessClient;
  /** The assumed role whose credentials sign both clients' calls. */
  role: Pick<AssumedRole, 'credentials' | 'generation' | 'discard'>;
  timeoutMs: number;
  onCall?: (call: UpstreamCallRecord) => void;
  /** Told when AWS refused cached credentials and the read is made again with new ones. */
  onCredentialsRefused?: (refusal: CredentialRefusal) => void;
}): RegistrationStatusReader {
  const producerArnOf = async (target: NamespaceTarget, deadline: Deadline): Promise<string | undefined> => {
    const abortSignal = deadline.signal;
    if (target.kind === 'provisioned') {
      const { Clusters } = await deadline.within(
        redshift.send(new DescribeClustersCommand({ ClusterIdentifier: target.clusterIdentifier }), { abortSignal }),
      );
      return Clusters?.[0]?.ClusterNamespaceArn;
    }
    if (!isServerlessId(target.namespaceIdentifier)) {
      const { namespace } = await deadline.within(
        serverless.send(new GetNamespaceCommand({ namespaceName: target.namespaceIdentifier }), { abortSignal }),
      );
      return namespace?.namespaceArn;
    }
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const listed = await deadline.within(serverless.send(new ListNamespacesCommand({ nextToken }), { abortSignal }));
      const found = listed.namespaces?.find((namespace) => namespace.namespaceId === target.namespaceIdentifier);
      if (found) return found.namespaceArn;
      nextToken = listed.nextToken;
      if (!nextToken) break;
    }
    return undefined;
  };

  const dataSharesOf = async (producerArn: string, deadline: Deadline): Promise<DataShare[]> => {
    const shares: DataShare[] = [];
    let marker: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const answer = await deadline.within(
        redshift.send(new DescribeDataSharesForProducerCommand({ ProducerArn: producerArn, Marker: marker }), {
          abortSignal: deadline.signal,
        }),
      );
      shares.push(...(answer.DataShares ?? []));
      marker = answer.Marker;
      if (!marker) break;
    }
    return shares;
  };

  return {
    async read({ target, consumerIdentifier }) {
      const deadline = startDeadline(timeoutMs);
      const started = process.hrtime.bigint();
      const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
      const subject = describeTarget(target);
      const readOnce = async () => {
        const producerArn = await producerArnOf(target, deadline);
        if (producerArn === undefined) {
          throw target.kind === 'provisioned'
            ? new ClusterNotFoundError(`Redshift has no ${subject} in this account and region`, undefined)
            : new InvalidNamespaceError(`Redshift has no ${subject} in this account and region`, undefined);
        }
        const internal = (await dataSharesOf(producerArn, deadline)).find(
          (share) => share.DataShareType === 'INTERNAL',
        );
        return toStatusDocument(producerArn, internal, consumerIdentifier);
      };
      try {
        const document = await withCredentialRecovery(role, deadline, readOnce, (code) =>
          onCredentialsRefused?.({ operation: 'ReadRegistrationStatus', code }),
        );
        onCall?.({ operation: 'ReadRegistrationStatus', outcome: 'ok', code: '', seconds: seconds() });
        return document;
      } catch (error) {
        const translated =
          error instanceof ClusterNotFoundError || error instanceof InvalidNamespaceError
            ? error
            : translateFault(error, { deadlineExceeded: deadline.exceeded(), subject });
        onCall?.({
          operation: 'ReadRegistrationStatus',
          outcome: 'error',
          code: metricCodeOf(translated),
          seconds: seconds(),
        });
        throw translated;
      } finally {
        deadline.clear();
      }
    },
  };
}

/**
 * Registered when the INTERNAL datashare's associations include the consumer, or when it exists and
 * AWS lists no associations on it (as Terraform reads it); NotRegistered otherwise.
 */
function toStatusDocument(
  producerArn: string,
  internal: DataShare | undefined,
  consumerIdentifier: string,
): RegistrationStatusDocument {
  const associations = (internal?.DataShareAssociations ?? []).map((association) => ({
    ConsumerIdentifier: association.ConsumerIdentifier ?? '',
    Status: association.Status ?? '',
  }));
  const registered =
    internal !== undefined &&
    (associations.length === 0 ||
      associations.some((association) => association.ConsumerIdentifier === consumerIdentifier));
  return {
    Status: registered ? 'Registered' : 'NotRegistered',
    ProducerNamespaceArn: producerArn,
    DataShareArn: internal?.DataShareArn ?? null,
    Associations: associations,
  };
}
