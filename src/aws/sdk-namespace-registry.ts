import {
  RegisterNamespaceCommand,
  type RedshiftClient,
  type RegisterNamespaceCommandInput,
} from '@aws-sdk/client-redshift';
import type { RegistrationStatus } from '../contract';
import { UpstreamRejectedError } from '../domain/errors';
import type { NamespaceRegistrationCommand, NamespaceRegistry } from '../domain/ports';
import { translateFault } from './fault-translation';

const STATUSES: ReadonlySet<string> = new Set<RegistrationStatus>(['Registering', 'Deregistering']);

/**
 * NamespaceRegistry on Redshift RegisterNamespace. Each call has one deadline, `timeoutMs`,
 * covering credential resolution, every retry and its backoff.
 */
export function createSdkNamespaceRegistry({
  client,
  timeoutMs,
}: {
  client: RedshiftClient;
  timeoutMs: number;
}): NamespaceRegistry {
  return {
    async register(command) {
      const deadline = AbortSignal.timeout(timeoutMs);
      let status: string | undefined;
      try {
        const output = await untilAborted(
          client.send(new RegisterNamespaceCommand(toRegisterNamespaceInput(command)), { abortSignal: deadline }),
          deadline,
        );
        status = output.Status;
      } catch (error) {
        throw translateFault(error, { deadlineExceeded: deadline.aborted });
      }
      if (status === undefined || !STATUSES.has(status)) {
        throw new UpstreamRejectedError(`Redshift answered with an unknown status '${status}'`, undefined);
      }
      return status as RegistrationStatus;
    },
  };
}

export function toRegisterNamespaceInput({
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

// The SDK observes abortSignal only in its HTTP handler; credential resolution (an STS call) does
// not, so the deadline is also raced here.
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
