import {
  DeregisterNamespaceCommand,
  RegisterNamespaceCommand,
  type RedshiftClient,
  type RegisterNamespaceCommandInput,
} from '@aws-sdk/client-redshift';
import type { RegistrationStatus } from '../contract';
import { UpstreamError, UpstreamRejectedError } from '../domain/errors';
import type { NamespaceRegistrationCommand, NamespaceRegistry } from '../domain/ports';
import { translateFault } from './fault-translation';

export interface UpstreamCallRecord {
  operation: string;
  outcome: 'ok' | 'error';
  /** The AWS error code, else the gateway's error code, else ''. */
  code: string;
  seconds: number;
}

const STATUSES: ReadonlySet<string> = new Set<RegistrationStatus>(['Registering', 'Deregistering']);

/**
 * NamespaceRegistry on Redshift RegisterNamespace and DeregisterNamespace. Each call has one deadline, `timeoutMs`,
 * covering credential resolution, every retry and its backoff.
 */
export function createSdkNamespaceRegistry({
  client,
  timeoutMs,
  onCall,
}: {
  client: RedshiftClient;
  timeoutMs: number;
  /** Told of every call's outcome, for metrics. */
  onCall?: (call: UpstreamCallRecord) => void;
}): NamespaceRegistry {
  // Both operations take the same input and answer the same output shape.
  const call = async (
    operation: 'RegisterNamespace' | 'DeregisterNamespace',
    command: NamespaceRegistrationCommand,
  ) => {
    const input = toRegisterNamespaceInput(command);
    const deadline = AbortSignal.timeout(timeoutMs);
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    let status: string | undefined;
    try {
      const sent =
        operation === 'RegisterNamespace'
          ? client.send(new RegisterNamespaceCommand(input), { abortSignal: deadline })
          : client.send(new DeregisterNamespaceCommand(input), { abortSignal: deadline });
      status = (await untilAborted(sent, deadline)).Status;
    } catch (error) {
      const translated = translateFault(error, { deadlineExceeded: deadline.aborted });
      onCall?.({ operation, outcome: 'error', code: codeOf(translated), seconds: seconds() });
      throw translated;
    }
    onCall?.({ operation, outcome: 'ok', code: '', seconds: seconds() });
    if (status === undefined || !STATUSES.has(status)) {
      throw new UpstreamRejectedError(`Redshift answered with an unknown status '${status}'`, undefined);
    }
    return status as RegistrationStatus;
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

function codeOf(error: unknown): string {
  if (error instanceof UpstreamError) return error.upstream?.code ?? error.code;
  return 'unexpected';
}

// The SDK observes abortSignal only in its HTTP handler; credential resolution (an STS call) does
// not, so the deadline is also raced here.
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
