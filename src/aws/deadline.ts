/**
 * One deadline for a whole AWS call: credential resolution, every attempt, retry and back-off. The SDK
 * observes `signal` only in its HTTP handler; credential resolution (an STS call) does not, so
 * `within` also races each step against it.
 *
 * Not AbortSignal.timeout: its signal and timer stay alive for the whole timeout, long after the call
 * has ended; `clear` frees them at once.
 */
export interface Deadline {
  readonly signal: AbortSignal;
  readonly exceeded: () => boolean;
  within<T>(promise: Promise<T>): Promise<T>;
  clear(): void;
}

export function startDeadline(timeoutMs: number): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('deadline exceeded')), timeoutMs);
  const { signal } = controller;
  return {
    signal,
    exceeded: () => signal.aborted,
    within: <T>(promise: Promise<T>) =>
      new Promise<T>((resolve, reject) => {
        const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        if (signal.aborted) onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      }),
    clear: () => clearTimeout(timer),
  };
}
