import { setTimeout as delay } from 'node:timers/promises';
import type { RegistrationAction } from './access-policy';
import { principalOf, type Caller } from './caller';
import { changeRegistration, type ChangeRegistrationDeps } from './change-registration';
import { InvalidClusterStateError, UpstreamTimeoutError, UpstreamUnavailableError } from './errors';
import type { NamespaceRegistrationCommand, RegistrationStatus, RegistrationStatusDocument } from './ports';
import type { RegistrationStatusDeps } from './registration-status';

export interface WaitOptions {
  /** How long to keep working, in all. */
  readonly waitMs: number;
  /** Aborted when the gateway shuts down: waiting ends at once. */
  readonly signal: AbortSignal;
  readonly now?: () => number;
  /** Jitter source in [0, 1); tests fix it. */
  readonly random?: () => number;
}

export type WaitOutcome =
  | { readonly completed: true; readonly document: RegistrationStatusDocument }
  | {
      readonly completed: false;
      /** What Redshift answered the change with. */
      readonly status: RegistrationStatus;
      readonly reason: 'timed-out' | 'interrupted' | 'status-unreadable';
    };

// Back-off between status polls and between InvalidClusterState retries: 1 s, doubling, at most 10 s,
// each jittered down by up to half, so that waiting callers do not poll in step.
const FIRST_PAUSE_MS = 1_000;
const MAX_PAUSE_MS = 10_000;

/**
 * Changes the registration, then keeps working until it has taken effect, for at most `waitMs`:
 * `InvalidClusterState` is retried with back-off (a cluster busy resizing or rebooting, as Terraform
 * retries it), then the status is polled with back-off until it reads `Registered` (after a
 * registration) or `NotRegistered` (after a deregistration). Nothing is held while it sleeps.
 * @returns the status document once the change has taken effect, else what Redshift answered the
 * change with and why waiting stopped.
 * @throws as changeRegistration, the last InvalidClusterStateError when it persisted all along.
 */
export async function changeRegistrationAndWait(
  deps: ChangeRegistrationDeps & RegistrationStatusDeps,
  context: { caller: Caller; requestId: string },
  action: RegistrationAction,
  command: NamespaceRegistrationCommand,
  { waitMs, signal, now = Date.now, random = Math.random }: WaitOptions,
): Promise<WaitOutcome> {
  const deadline = now() + waitMs;
  const pause = (attempt: number) => {
    const ceiling = Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** attempt);
    return ceiling / 2 + random() * (ceiling / 2);
  };
  const sleep = (ms: number) => delay(ms, undefined, { signal }).catch(() => undefined);

  let status: RegistrationStatus;
  for (let attempt = 0; ; attempt += 1) {
    try {
      // The change may wait for the AWS API budget as long as the caller is prepared to wait.
      status = await changeRegistration(deps, { ...context, waitUntil: deadline }, action, command);
      break;
    } catch (error) {
      const wait = Math.min(pause(attempt), deadline - now());
      if (!(error instanceof InvalidClusterStateError) || signal.aborted || wait <= 0) throw error;
      await sleep(wait);
      if (signal.aborted) throw error;
    }
  }

  const done: RegistrationStatusDocument['Status'] = action === 'register' ? 'Registered' : 'NotRegistered';
  for (let attempt = 0; ; attempt += 1) {
    if (signal.aborted) return { completed: false, status, reason: 'interrupted' };
    try {
      const document = await deps.statusReader.read(command, {
        requestedBy: principalOf(context.caller),
        waitUntil: deadline,
      });
      if (document.Status === done) return { completed: true, document };
    } catch (error) {
      // The change was accepted: a status that cannot be read for a reason other than a passing one
      // ends the waiting, and the caller gets the change's own answer.
      if (!(error instanceof UpstreamUnavailableError || error instanceof UpstreamTimeoutError)) {
        return { completed: false, status, reason: 'status-unreadable' };
      }
    }
    // The last pause ends at the deadline, for one last look.
    const wait = Math.min(pause(attempt), deadline - now());
    if (wait <= 0) return { completed: false, status, reason: 'timed-out' };
    await sleep(wait);
  }
}
