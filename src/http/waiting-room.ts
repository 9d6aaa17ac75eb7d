import type { RegistrationAction } from '../domain/access-policy';
import type { WaitOutcome } from '../domain/wait-for-registration';
import { TooManyWaitingError } from './errors';
import type { WaitingRoomOptions } from './waiting-room-settings';

/**
 * Where requests that asked to wait (`Prefer: wait`) wait: at most `maxWaiting` at once (a request
 * beyond gets 503 at once), and all of them told to stop at once when the gateway shuts down, so that
 * each is answered (202 with Location) within the shutdown budget rather than dropped.
 */
export interface WaitingRoom {
  readonly maxWaitSeconds: number;
  /** Runs `work` with the shutdown signal. @throws TooManyWaitingError when the room is full. */
  wait(action: RegistrationAction, work: (signal: AbortSignal) => Promise<WaitOutcome>): Promise<WaitOutcome>;
  /** Ends every wait now: the start of shutdown. */
  closeAll(): void;
}

export function createWaitingRoom({
  maxWaitSeconds,
  maxWaiting,
  onWaited,
}: WaitingRoomOptions & {
  /** Told of every wait's end, for metrics. */
  onWaited?: (wait: { action: RegistrationAction; outcome: string; seconds: number }) => void;
}): WaitingRoom {
  const shutdown = new AbortController();
  let waiting = 0;
  return {
    maxWaitSeconds,
    async wait(action, work) {
      if (waiting >= maxWaiting || shutdown.signal.aborted) {
        throw new TooManyWaitingError(
          `The gateway already has ${maxWaiting} requests waiting; retry without Prefer: wait, or later.`,
        );
      }
      waiting += 1;
      const started = performance.now();
      let outcome = 'failed';
      try {
        const result = await work(shutdown.signal);
        outcome = result.completed ? 'completed' : result.reason;
        return result;
      } finally {
        waiting -= 1;
        onWaited?.({ action, outcome, seconds: (performance.now() - started) / 1000 });
      }
    },
    closeAll: () => shutdown.abort(),
  };
}
