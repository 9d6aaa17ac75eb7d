import http from 'node:http';
import https from 'node:https';
import { RedshiftClient } from '@aws-sdk/client-redshift';
import { RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { MetadataBearer, MiddlewareStack, Pluggable } from '@smithy/types';
import type { AwsOptions, AwsTarget } from './settings';
import type { UpstreamOptions } from './upstream-settings';
import { createAssumedRole, type AssumedRole, type AssumedRoleOptions } from './assumed-role-credentials';
import { Sha256 } from './sha256';

/**
 * The HTTP handler shared by the SDK clients: keep-alive sockets up to a bound, and connect and
 * per-attempt timeouts that really abort the attempt (the SDK only warns on a request timeout
 * unless throwOnRequestTimeout is set), so that retries can happen within the overall deadline.
 */
function createRequestHandler(upstream: UpstreamOptions): NodeHttpHandler {
  const agentOptions = { keepAlive: true, maxSockets: upstream.maxSockets };
  return new NodeHttpHandler({
    connectionTimeout: upstream.connectTimeoutMs,
    requestTimeout: upstream.attemptTimeoutMs,
    throwOnRequestTimeout: true,
    httpAgent: new http.Agent(agentOptions),
    httpsAgent: new https.Agent(agentOptions),
  });
}

/** What every SDK client of a target shares: region, endpoint variants, retries, user agent, sockets, signing hash. */
function commonClientConfig(
  target: AwsTarget,
  aws: AwsOptions,
  upstream: UpstreamOptions,
  requestHandler: NodeHttpHandler,
) {
  return {
    region: target.region,
    useFipsEndpoint: aws.useFipsEndpoint,
    useDualstackEndpoint: aws.useDualstackEndpoint,
    maxAttempts: upstream.maxAttempts,
    retryMode: upstream.retryMode,
    userAgentAppId: aws.userAgentAppId,
    requestHandler,
    sha256: Sha256,
  };
}

/** The target's role, assumed through `sts` with the target's session settings. */
function createConfiguredRole(
  target: AwsTarget,
  sts: STSClient,
  onAttempt?: AssumedRoleOptions['onAttempt'],
): AssumedRole {
  return createAssumedRole({
    sts,
    roleArn: target.roleArn,
    externalId: target.roleExternalId,
    sessionName: target.roleSessionName,
    durationSeconds: target.roleDurationSeconds,
    onAttempt,
  });
}

/** Every AWS client of one target, sharing one HTTP handler: STS, the assumed role, Redshift, Redshift Serverless. */
export interface AwsClients {
  readonly role: AssumedRole;
  readonly redshift: RedshiftClient;
  readonly serverless: RedshiftServerlessClient;
  /** Closes their sockets. */
  destroy(): void;
}

/** What the gateway adds to its clients beyond their settings. */
export interface AwsClientHooks {
  /** Told of every AssumeRole, ok or not (metrics, the log). */
  readonly onAssumeRoleAttempt?: AssumedRoleOptions['onAttempt'];
  /** Middleware added to each client, given its service id (`Redshift`, `STS`, …) and target: tracing's spans. */
  readonly instrument?: <Input extends object, Output extends MetadataBearer>(
    serviceId: string,
    target: AwsTarget,
  ) => Pluggable<Input, Output>;
}

/**
 * The one place the AWS clients are built: the gateway (once per target), the benchmark's baseline
 * and the tests use it. STS is signed with the default provider chain; Redshift and Redshift
 * Serverless (status reads of serverless namespaces) with the target's assumed role's credentials.
 * Each target has its own sockets, so that one target's stalled endpoint cannot hold another's.
 */
export function createAwsClients(
  target: AwsTarget,
  aws: AwsOptions,
  upstream: UpstreamOptions,
  hooks: AwsClientHooks = {},
): AwsClients {
  const common = commonClientConfig(target, aws, upstream, createRequestHandler(upstream));
  const sts = new STSClient({ ...common, endpoint: target.stsEndpoint });
  const role = createConfiguredRole(target, sts, hooks.onAssumeRoleAttempt);
  const redshift = new RedshiftClient({ ...common, endpoint: target.redshiftEndpoint, credentials: role.credentials });
  const serverless = new RedshiftServerlessClient({
    ...common,
    endpoint: target.serverlessEndpoint,
    credentials: role.credentials,
  });
  const { instrument } = hooks;
  if (instrument !== undefined) {
    const add = <Input extends object, Output extends MetadataBearer>(client: {
      config: { serviceId: string };
      middlewareStack: MiddlewareStack<Input, Output>;
    }) => client.middlewareStack.use(instrument<Input, Output>(client.config.serviceId, target));
    add(sts);
    add(redshift);
    add(serverless);
  }
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
