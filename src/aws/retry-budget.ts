import { MAXIMUM_RETRY_DELAY, Retry } from '@smithy/core/retry';

/**
 * The longest the SDK's standard retry strategy can wait between `maxAttempts` attempts: before
 * retry i it waits a random time up to min(base × 2^i, MAXIMUM_RETRY_DELAY), the base being the
 * throttling one (the larger). Read from the SDK itself, so an upgrade that changes it is followed.
 */
export function worstCaseBackoffMs(maxAttempts: number): number {
  let total = 0;
  for (let retry = 0; retry < maxAttempts - 1; retry += 1) {
    total += Math.min(Retry.throttlingDelay() * 2 ** retry, MAXIMUM_RETRY_DELAY);
  }
  return total;
}
