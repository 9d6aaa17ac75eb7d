import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** The gateway could not obtain credentials for its role; `cause` is what STS (or the network) said. */
export class RoleAssumptionError extends Error {
  override readonly name = 'RoleAssumptionError';

  constructor(
    message: string,
    options: ErrorOptions & {
      /** Seconds until the gateway will ask STS again. */
      retryAfterSeconds: number;
    },
  ) {
    super(message, options);
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  readonly retryAfterSeconds: number;
}

export interface AssumedRoleOptions {
  /** STS client holding the base credentials (the SDK's default provider chain). */
  readonly sts: STSClient;
  readonly roleArn: string;
  readonly externalId: string | undefined;
  readonly sessionName: string;
  readonly durationSeconds: number;
  /** Called after every AssumeRole, successful or not; for logs and metrics. */
  readonly onAttempt?: (attempt: { ok: true; expiration: Date } | { ok: false; code: string }) => void;
  readonly now?: () => number;
  /** Jitter source in [0, 1); tests fix it. */
  readonly random?: () => number;
}

export interface AssumedRole {
  /** The provider for the AWS clients. @throws RoleAssumptionError when no valid credentials can be had. */
  readonly credentials: AwsCredentialIdentityProvider;
  /** Whether valid credentials are in hand, without calling STS. */
  readiness(): { ready: true } | { ready: false; reason: string };
  /** Starts an AssumeRole in the background unless one ran in the last few seconds; never throws. */
  refreshInBackground(): void;
  /** How many times the role has been assumed so far; a call notes it before it starts. */
  generation(): number;
  /**
   * AWS refused the credentials a call was signed with, the call having started at `generation`:
   * drops the cached credentials unless they are newer than that, so that the next call assumes the
   * role again. Credentials obtained since (by another call's recovery) are kept: of many calls
   * refused at once, one AssumeRole follows.
   * @returns whether the cache was dropped.
   */
  discard(generation: number): boolean;
}

// Refresh this long before expiry (capped at a quarter of the lifetime for short-lived credentials),
// so that no request is ever signed with credentials about to expire.
const REFRESH_MARGIN_MS = 5 * 60_000;
// A refresh that failed is not tried again for this long while the cached credentials still hold,
// and background refreshes (readiness probes) are no more frequent than this.
const RETRY_PAUSE_MS = 5_000;
// Without valid credentials, failed AssumeRole attempts are paused with growing, jittered back-off:
// a burst of requests against a failing STS makes a handful of calls, not one each.
const BACKOFF_FIRST_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;

/**
 * Credentials of the role, from STS AssumeRole: one call per credential lifetime, shared by all
 * concurrent requests, refreshed ahead of expiry. While STS is failing, still-valid cached
 * credentials keep being used; without them, attempts back off.
 */
export function createAssumedRole(options: AssumedRoleOptions): AssumedRole {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  let cached: { credentials: AwsCredentialIdentity & { expiration: Date }; refreshAt: number } | undefined;
  let generation = 0;
  let inFlight: Promise<AwsCredentialIdentity> | undefined;
  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  let lastFailure: { code: string; error: unknown } | undefined;
  let consecutiveFailures = 0;
  let retryNotBefore = 0;

  const isValid = (time: number) => cached !== undefined && cached.credentials.expiration.getTime() > time;
  const secondsUntilRetry = () => Math.max(1, Math.ceil((retryNotBefore - now()) / 1000));

  const assume = async (): Promise<AwsCredentialIdentity> => {
    lastAttemptAt = now();
    try {
      const { Credentials } = await options.sts.send(
        new AssumeRoleCommand({
          RoleArn: options.roleArn,
          RoleSessionName: options.sessionName,
          DurationSeconds: options.durationSeconds,
          ExternalId: options.externalId,
        }),
      );
      const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = Credentials ?? {};
      if (!AccessKeyId || !SecretAccessKey || !SessionToken || !Expiration) {
        throw new Error('STS AssumeRole answered without complete credentials');
      }
      const lifetimeMs = Expiration.getTime() - now();
      const credentials = {
        accessKeyId: AccessKeyId,
        secretAccessKey: SecretAccessKey,
        sessionToken: SessionToken,
        expiration: Expiration,
      };
      cached = { credentials, refreshAt: Expiration.getTime() - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 4) };
      generation += 1;
      lastFailure = undefined;
      consecutiveFailures = 0;
      retryNotBefore = 0;
      options.onAttempt?.({ ok: true, expiration: Expiration });
      return credentials;
    } catch (error) {
      lastFailure = { code: error instanceof Error ? error.name : 'Error', error };
      options.onAttempt?.({ ok: false, code: lastFailure.code });
      if (cached && isValid(now())) {
        retryNotBefore = now() + RETRY_PAUSE_MS;
        return cached.credentials;
      }
      consecutiveFailures += 1;
      const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (consecutiveFailures - 1));
      // Half fixed, half jittered: replicas that failed together do not retry together.
      retryNotBefore = now() + ceiling / 2 + random() * (ceiling / 2);
      throw new RoleAssumptionError(`could not assume role ${options.roleArn}`, {
        cause: error,
        retryAfterSeconds: secondsUntilRetry(),
      });
    } finally {
      inFlight = undefined;
    }
  };

  const credentialsProvider = () => {
    const time = now();
    if (cached && (time < cached.refreshAt || (time < retryNotBefore && isValid(time)))) {
      return Promise.resolve(cached.credentials);
    }
    if (time < retryNotBefore && lastFailure !== undefined && inFlight === undefined) {
      return Promise.reject(
        new RoleAssumptionError(`could not assume role ${options.roleArn}; next attempt in ${secondsUntilRetry()} s`, {
          cause: lastFailure.error,
          retryAfterSeconds: secondsUntilRetry(),
        }),
      );
    }
    inFlight ??= assume();
    return inFlight;
  };
  // This provider caches by itself; marked memoized, the SDK calls it for every request instead of
  // keeping its own copy until five minutes before expiry, so that discarding the cache takes effect.
  const credentials: AwsCredentialIdentityProvider = Object.assign(credentialsProvider, { memoized: true });

  return {
    credentials,
    readiness() {
      if (isValid(now())) return { ready: true };
      if (lastFailure !== undefined) {
        const next = retryNotBefore > now() ? `; next attempt in ${secondsUntilRetry()} s` : '';
        return { ready: false, reason: `the role cannot be assumed (${lastFailure.code})${next}` };
      }
      return { ready: false, reason: 'the role has not been assumed yet' };
    },
    refreshInBackground() {
      if (inFlight !== undefined || now() - lastAttemptAt < RETRY_PAUSE_MS || now() < retryNotBefore) return;
      credentialsProvider().catch(() => undefined);
    },
    generation: () => generation,
    discard(callGeneration) {
      if (cached === undefined || generation > callGeneration) return false;
      cached = undefined;
      retryNotBefore = 0;
      return true;
    },
  };
}
