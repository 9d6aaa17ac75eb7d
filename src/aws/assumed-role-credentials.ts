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
  /** Called on every successful AssumeRole; for logs and metrics. */
  readonly onAssumed?: (credentials: { expiration: Date }) => void;
  readonly now?: () => number;
}

// Refresh this long before expiry (capped at a quarter of the lifetime for short-lived credentials),
// so that no request is ever signed with credentials about to expire.
const REFRESH_MARGIN_MS = 5 * 60_000;
// A refresh that failed is not tried again for this long while the cached credentials still hold.
const FAILED_REFRESH_BACKOFF_MS = 5_000;

/**
 * Credentials of the role, from STS AssumeRole: one call per credential lifetime, shared by all
 * concurrent requests, refreshed ahead of expiry. While STS is failing, still-valid cached
 * credentials keep being used.
 * @throws RoleAssumptionError when no valid credentials can be had.
 */
export function createAssumedRoleCredentials(options: AssumedRoleOptions): AwsCredentialIdentityProvider {
  const now = options.now ?? Date.now;
  let cached: { credentials: AwsCredentialIdentity & { expiration: Date }; refreshAt: number } | undefined;
  let inFlight: Promise<AwsCredentialIdentity> | undefined;
  let retryNotBefore = 0;

  const assume = async (): Promise<AwsCredentialIdentity> => {
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
      options.onAssumed?.({ expiration: Expiration });
      return credentials;
    } catch (error) {
      if (cached && cached.credentials.expiration.getTime() > now()) {
        retryNotBefore = now() + FAILED_REFRESH_BACKOFF_MS;
        return cached.credentials;
      }
      throw new RoleAssumptionError(`could not assume role ${options.roleArn}`, { cause: error });
    } finally {
      inFlight = undefined;
    }
  };

  return () => {
    const time = now();
    if (
      cached &&
      (time < cached.refreshAt || (time < retryNotBefore && time < cached.credentials.expiration.getTime()))
    ) {
      return Promise.resolve(cached.credentials);
    }
    inFlight ??= assume();
    return inFlight;
  };
}
