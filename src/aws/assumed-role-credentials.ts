import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** The gateway could not obtain credentials for its role; `cause` is what STS (or the network) said. */
export class RoleAssumptionError extends Error {
  override readonly name = 'RoleAssumptionError';
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
}

export interface AssumedRole {
  /** The provider for the Redshift client. @throws RoleAssumptionError when no valid credentials can be had. */
  readonly credentials: AwsCredentialIdentityProvider;
  /** Whether valid credentials are in hand, without calling STS. */
  readiness(): { ready: true } | { ready: false; reason: string };
  /** Starts an AssumeRole in the background unless one ran in the last few seconds; never throws. */
  refreshInBackground(): void;
}

// Refresh this long before expiry (capped at a quarter of the lifetime for short-lived credentials),
// so that no request is ever signed with credentials about to expire.
const REFRESH_MARGIN_MS = 5 * 60_000;
// A refresh that failed is not tried again for this long while the cached credentials still hold,
// and background refreshes (readiness probes) are no more frequent than this.
const RETRY_PAUSE_MS = 5_000;

/**
 * Credentials of the role, from STS AssumeRole: one call per credential lifetime, shared by all
 * concurrent requests, refreshed ahead of expiry. While STS is failing, still-valid cached
 * credentials keep being used.
 */
export function createAssumedRole(options: AssumedRoleOptions): AssumedRole {
  const now = options.now ?? Date.now;
  let cached: { credentials: AwsCredentialIdentity & { expiration: Date }; refreshAt: number } | undefined;
  let inFlight: Promise<AwsCredentialIdentity> | undefined;
  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  let lastFailure: string | undefined;
  let retryNotBefore = 0;

  const isValid = (time: number) => cached !== undefined && cached.credentials.expiration.getTime() > time;

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
      lastFailure = undefined;
      options.onAttempt?.({ ok: true, expiration: Expiration });
      return credentials;
    } catch (error) {
      lastFailure = error instanceof Error ? error.name : 'Error';
      options.onAttempt?.({ ok: false, code: lastFailure });
      if (cached && isValid(now())) {
        retryNotBefore = now() + RETRY_PAUSE_MS;
        return cached.credentials;
      }
      throw new RoleAssumptionError(`could not assume role ${options.roleArn}`, { cause: error });
    } finally {
      inFlight = undefined;
    }
  };

  const credentials: AwsCredentialIdentityProvider = () => {
    const time = now();
    if (cached && (time < cached.refreshAt || (time < retryNotBefore && isValid(time)))) {
      return Promise.resolve(cached.credentials);
    }
    inFlight ??= assume();
    return inFlight;
  };

  return {
    credentials,
    readiness() {
      if (isValid(now())) return { ready: true };
      if (lastFailure !== undefined) return { ready: false, reason: `the role cannot be assumed (${lastFailure})` };
      return { ready: false, reason: 'the role has not been assumed yet' };
    },
    refreshInBackground() {
      if (inFlight !== undefined || now() - lastAttemptAt < RETRY_PAUSE_MS) return;
      credentials().catch(() => undefined);
    },
  };
}
