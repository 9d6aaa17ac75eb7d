import http from 'node:http';
import https from 'node:https';
import { RedshiftClient } from '@aws-sdk/client-redshift';
import { RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Config } from '../config/shape';
import { createAssumedRole, type AssumedRole, type AssumedRoleOptions } from './assumed-role-credentials';
import { Sha256 } from './sha256';

/** How the gateway reaches AWS: region, role, endpoints, retries, deadlines, sockets (config/variables.ts). */
export type AwsOptions = Config['aws'];

/**
 * The HTTP handler shared by the SDK clients: keep-alive sockets up to a bound, and connect and
 * per-attempt timeouts that really abort the attempt (the SDK only warns on a request timeout
 * unless throwOnRequestTimeout is set), so that retries can happen within the overall deadline.
 */
function createRequestHandler(aws: AwsOptions): NodeHttpHandler {
  const agentOptions = { keepAlive: true, maxSockets: aws.maxSockets };
  return new NodeHttpHandler({
    connectionTimeout: aws.connectTimeoutMs,
    requestTimeout: aws.attemptTimeoutMs,
    throwOnRequestTimeout: true,
    httpAgent: new http.Agent(agentOptions),
    httpsAgent: new https.Agent(agentOptions),
  });
}

/** What every SDK client of the gateway shares: region, endpoint variants, retries, user agent, sockets, signing hash. */
function commonClientConfig(aws: AwsOptions, requestHandler: NodeHttpHandler) {
  return {
    region: aws.region,
    useFipsEndpoint: aws.useFipsEndpoint,
    useDualstackEndpoint: aws.useDualstackEndpoint,
    maxAttempts: aws.maxAttempts,
    retryMode: aws.retryMode,
    userAgentAppId: aws.userAgentAppId,
    requestHandler,
    sha256: Sha256,
  };
}

/** The STS client that assumes the role, itself signed with the default provider chain. */
function createStsClient(aws: AwsOptions, requestHandler: NodeHttpHandler): STSClient {
  return new STSClient({ ...commonClientConfig(aws, requestHandler), endpoint: aws.stsEndpoint });
}

/** The role of REDSHIFT_ROLE_ARN, assumed through `sts` with the configured session settings. */
function createConfiguredRole(
  aws: AwsOptions,
  sts: STSClient,
  onAttempt?: AssumedRoleOptions['onAttempt'],
): AssumedRole {
  return createAssumedRole({
    sts,
    roleArn: aws.roleArn,
    externalId: aws.roleExternalId,
    sessionName: aws.roleSessionName,
    durationSeconds: aws.roleDurationSeconds,
    onAttempt,
  });
}

/** The Redshift Serverless client (status reads of serverless namespaces), signed like the Redshift one. */
function createRedshiftServerlessClient(
  aws: AwsOptions,
  requestHandler: NodeHttpHandler,
  assumedRole: AssumedRole,
): RedshiftServerlessClient {
  return new RedshiftServerlessClient({
    ...commonClientConfig(aws, requestHandler),
    endpoint: aws.serverlessEndpoint,
    credentials: assumedRole.credentials,
  });
}

/** The one Redshift client of the process, signed with the assumed role's credentials. */
function createRedshiftClient(
  aws: AwsOptions,
  requestHandler: NodeHttpHandler,
  assumedRole: AssumedRole,
): RedshiftClient {
  return new RedshiftClient({
    ...commonClientConfig(aws, requestHandler),
    endpoint: aws.redshiftEndpoint,
    credentials: assumedRole.credentials,
  });
}

/** Every AWS client of the gateway, sharing one HTTP handler: STS, the assumed role, Redshift, Redshift Serverless. */
export interface AwsClients {
  readonly role: AssumedRole;
  readonly redshift: RedshiftClient;
  readonly serverless: RedshiftServerlessClient;
  /** Closes their sockets. */
  destroy(): void;
}

/** The one place the AWS clients are built: the gateway, the benchmark's baseline and the tests use it. */
export function createAwsClients(aws: AwsOptions, onAssumeRoleAttempt?: AssumedRoleOptions['onAttempt']): AwsClients {
  const requestHandler = createRequestHandler(aws);
  const sts = createStsClient(aws, requestHandler);
  const role = createConfiguredRole(aws, sts, onAssumeRoleAttempt);
  const redshift = createRedshiftClient(aws, requestHandler, role);
  const serverless = createRedshiftServerlessClient(aws, requestHandler, role);
  return {
    role,
    redshift,
    serverless,
    destroy() {
      redshift.destroy();
      serverless.destroy();
      sts.destroy();
    },
  };
}
