import { randomBytes } from 'node:crypto';
import { escapeXml } from './query-xml';
import type { EmulatorState, IssuedCredentials, QueryOutcome } from './state';

// STS as the emulator answers it: AssumeRole for the seed's roles, and GetCallerIdentity.

/** The identity that signed the call: its ARN and account, and whether it is a role session the emulator issued. */
export interface Signer {
  readonly accessKeyId: string;
  readonly arn: string;
  readonly account: string;
  readonly temporary: boolean;
}

export function getCallerIdentity(signer: Signer): QueryOutcome {
  return {
    result: { Arn: signer.arn },
    xml: `<Arn>${escapeXml(signer.arn)}</Arn><UserId>${signer.accessKeyId}</UserId><Account>${signer.account}</Account>`,
  };
}

/**
 * AssumeRole with the checks AWS makes: session name, duration, the role's trust (external id), no
 * chaining from a session. The seed's roles, in whatever account, trust the base credentials'
 * principal (cross-account roles, as deploy/aws describes).
 */
export function assumeRole(state: EmulatorState, params: Record<string, string>, signer: Signer): QueryOutcome {
  const { faults, seed } = state;
  if (faults.assumeRoleFailure === 'ServiceUnavailable') {
    return { fault: { code: 'ServiceUnavailable', status: 503, message: 'Service is unavailable.' } };
  }
  const roleArn = params.RoleArn ?? '';
  const sessionName = params.RoleSessionName ?? '';
  if (!roleArn || !/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    return {
      fault: { code: 'ValidationError', status: 400, message: 'RoleArn and a valid RoleSessionName are required.' },
    };
  }
  const duration = Number(params.DurationSeconds ?? 3600);
  if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
    return {
      fault: {
        code: 'ValidationError',
        status: 400,
        message: `1 validation error detected: Value '${params.DurationSeconds}' at 'durationSeconds' failed to satisfy constraint`,
      },
    };
  }
  const role = seed.roles.find((r) => r.arn === roleArn);
  const denied = {
    fault: {
      code: 'AccessDenied',
      status: 403,
      message: `User: ${signer.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    },
  };
  if (faults.assumeRoleFailure === 'AccessDenied' || signer.temporary || !role) return denied;
  if (role.externalId !== undefined && params.ExternalId !== role.externalId) return denied;

  const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
  const lifetime = faults.credentialLifetimeSeconds ?? duration;
  const credentials: IssuedCredentials = {
    secretAccessKey: randomBytes(20).toString('base64url'),
    sessionToken: randomBytes(48).toString('base64url'),
    expiration: new Date(Date.now() + lifetime * 1000),
    roleArn,
    assumedRoleArn: `${roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/${sessionName}`,
  };
  state.issued.set(accessKeyId, credentials);
  return {
    result: { AccessKeyId: accessKeyId, Expiration: credentials.expiration.toISOString() },
    xml:
      `<AssumedRoleUser><Arn>${escapeXml(credentials.assumedRoleArn)}</Arn>` +
      `<AssumedRoleId>AROA${randomBytes(8).toString('hex').toUpperCase()}:${escapeXml(sessionName)}</AssumedRoleId></AssumedRoleUser>` +
      `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${credentials.secretAccessKey}</SecretAccessKey>` +
      `<SessionToken>${credentials.sessionToken}</SessionToken><Expiration>${credentials.expiration.toISOString()}</Expiration></Credentials>`,
  };
}
