import {
  DeregisterNamespaceCommand,
  RegisterNamespaceCommand,
  type RedshiftClient,
  type RegisterNamespaceCommandInput,
} from '@aws-sdk/client-redshift';
import type { RegistrationStatus } from '../domain/ports';
import { describeTarget } from '../domain/namespace-target';
import type { NamespaceRegistrationCommand, NamespaceRegistry } from '../domain/ports';
import type { Logger } from '../logger';
import type { AssumedRole } from './assumed-role-credentials';
import { startDeadline } from './deadline';
import { withCredentialRecovery } from './credential-recovery';
import { metricCodeOf, translateFault } from './fault-translation';

/** AWS refused cached role credentials during `operation`; the role is assumed again and the call resent. */
export interface CredentialRefusal {
  operation: string;
  /** The AWS error code. */
  code: string;
}

export interface UpstreamCallRecord {
  operation: string;
  outcome: 'ok' | 'error';
  /** The AWS error code, else the gateway's error code, else ''. */
  code: string;
  seconds: number;
}

// What each operation answers when Redshift accepted the call but sent no status.
const DEFAULT_STATUS = { RegisterNamespace: 'Registering', DeregisterNamespace: 'Deregistering' } as const;

type Operation = keyof typeof DEFAULT_STATUS;

/**
 * NamespaceRegistry on Redshift RegisterNamespace and DeregisterNamespace. Each call has one deadline, `timeoutMs`,
 * covering credential resolution, every retry and its backoff. A call whose credentials AWS refuses
 * (expired or revoked sessions that the cache still believed valid) is sent once more with freshly
 * assumed ones.
 */
export function createSdkNamespaceRegistry({
  client,
  role,
  timeoutMs,
  logger,
  onCall,
  onCredentialsRefused,
}: {
  client: RedshiftClient;
  /** The assumed role whose credentials sign the client's calls. */
  role: Pick<AssumedRole, 'credentials' | 'generation' | 'discard'>;
  timeoutMs: number;
  logger: Logger;
  /** Told of every call's outcome, for metrics. */
  onCall?: (call: UpstreamCallRecord) => void;
  /** Told when AWS refused cached credentials and the call is retried with new ones. */
  onCredentialsRefused?: (refusal: CredentialRefusal) => void;
}): NamespaceRegistry {
  const send = (operation: Operation, input: RegisterNamespaceCommandInput, abortSignal: AbortSignal) =>
    operation === 'RegisterNamespace'
      ? client.send(new RegisterNamespaceCommand(input), { abortSignal })
      : client.send(new DeregisterNamespaceCommand(input), { abortSignal });

  const call = async (operation: Operation, command: NamespaceRegistrationCommand): Promise<RegistrationStatus> => {
    const input = toRegisterNamespaceInput(command);
    const deadline = startDeadline(timeoutMs);
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    let status: string | undefined;
    try {
      const answer = await withCredentialRecovery(
        role,
        deadline,
        () => deadline.within(send(operation, input, deadline.signal)),
        (code) => onCredentialsRefused?.({ operation, code }),
      );
      status = answer.Status;
    } catch (error) {
      const translated = translateFault(error, {
        deadlineExceeded: deadline.exceeded(),
        subject: describeTarget(command.target),
      });
      onCall?.({ operation, outcome: 'error', code: metricCodeOf(translated), seconds: seconds() });
      throw translated;
    } finally {
      deadline.clear();
    }
    onCall?.({ operation, outcome: 'ok', code: '', seconds: seconds() });
    if (status === undefined || status === '') {
      // AWS accepted the call: that is a success, whatever the answer lacks.
      logger.warn({ operation }, 'Redshift accepted the call but answered no status; assuming the default');
      return DEFAULT_STATUS[operation];
    }
    return status;
  };
  return {
    register: (command) => call('RegisterNamespace', command),
    deregister: (command) => call('DeregisterNamespace', command),
  };
}

function toRegisterNamespaceInput({
  target,
  consumerIdentifier,
}: NamespaceRegistrationCommand): RegisterNamespaceCommandInput {
  return {
    NamespaceIdentifier:
      target.kind === 'provisioned'
        ? { ProvisionedIdentifier: { ClusterIdentifier: target.clusterIdentifier } }
        : {
            ServerlessIdentifier: {
              NamespaceIdentifier: target.namespaceIdentifier,
              WorkgroupIdentifier: target.workgroupIdentifier,
            },
          },
    ConsumerIdentifiers: [consumerIdentifier],
  };
}
