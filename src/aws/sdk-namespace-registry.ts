import {
  DeregisterNamespaceCommand,
  RegisterNamespaceCommand,
  type RedshiftClient,
  type RegisterNamespaceCommandInput,
} from '@aws-sdk/client-redshift';
import type { RegistrationStatus } from '../contract';
import { UpstreamError } from '../domain/errors';
import { describeTarget } from '../domain/namespace-target';
import type { NamespaceRegistrationCommand, NamespaceRegistry } from '../domain/ports';
import type { Logger } from '../logger';
import type { AssumedRole } from './assumed-role-credentials';
import { isCredentialRefusal, isKnownCode, translateFault } from './fault-translation';

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
  onCredentialsRefused?: (code: string) => void;
}): NamespaceRegistry {
  const send = (operation: Operation, input: RegisterNamespaceCommandInput, abortSignal: AbortSignal) =>
    operation === 'RegisterNamespace'
      ? client.send(new RegisterNamespaceCommand(input), { abortSignal })
      : client.send(new DeregisterNamespaceCommand(input), { abortSignal });

  const call = async (operation: Operation, command: NamespaceRegistrationCommand): Promise<RegistrationStatus> => {
    const input = toRegisterNamespaceInput(command);
    // Not AbortSignal.timeout: its signal and timer stay alive for the whole timeout, long after the
    // call has ended; a timer cleared when the call ends frees them at once.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('deadline exceeded')), timeoutMs);
    const deadline = controller.signal;
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    let status: string | undefined;
    try {
      // Resolved here first, so that the generation noted is the one that signs the call.
      await untilAborted(role.credentials(), deadline);
      const generation = role.generation();
      try {
        status = (await untilAborted(send(operation, input, deadline), deadline)).Status;
      } catch (error) {
        if (!isCredentialRefusal(error) || deadline.aborted) throw error;
        const code = (error as Error).name;
        role.discard(generation);
        onCredentialsRefused?.(code);
        logger.warn({ operation, code }, 'AWS refused the cached role credentials; assuming the role again');
        status = (await untilAborted(send(operation, input, deadline), deadline)).Status;
      }
    } catch (error) {
      const translated = translateFault(error, {
        deadlineExceeded: deadline.aborted,
        subject: describeTarget(command.target),
      });
      onCall?.({ operation, outcome: 'error', code: codeOf(translated), seconds: seconds() });
      throw translated;
    } finally {
      clearTimeout(timer);
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

/** The metric label for a failed call: a known AWS code, else `other`, else the gateway's own code. */
function codeOf(error: unknown): string {
  if (!(error instanceof UpstreamError)) return 'unexpected';
  const code = error.upstream?.code;
  if (code === undefined) return error.code;
  return isKnownCode(code) ? code : 'other';
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
