import { createAwsClients, type AwsClients } from './aws/clients';
import type { AssumedRole } from './aws/assumed-role-credentials';
import {
  createSdkNamespaceRegistry,
  type CredentialRefusal,
  type UpstreamCallRecord,
} from './aws/sdk-namespace-registry';
import { createSdkRegistrationStatusReader } from './aws/sdk-registration-status';
import type { ApiBudget } from './aws/budget/api-budget';
import type { AwsOptions, AwsTarget } from './aws/settings';
import type { UpstreamOptions } from './aws/upstream-settings';
import { createConcurrencyLimit, readerWithConcurrencyLimit, withConcurrencyLimit } from './domain/concurrency-limit';
import type { NamespaceRegistry, RegistrationStatusReader } from './domain/ports';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { awsSpans } from './tracing/aws-spans';

/** What the gateway holds for one target: its role and its adapters, behind a concurrency limit of its own. */
export interface TargetStack {
  readonly target: AwsTarget;
  readonly role: AssumedRole;
  readonly namespaceRegistry: NamespaceRegistry;
  readonly statusReader: RegistrationStatusReader;
}

/** Every configured target's stack, each built on its first use. */
export interface TargetStacks {
  /** The stack of a configured target. @throws Error for a name that is not one (the edge answers those 404 first). */
  get(name: string): TargetStack;
  /** The stacks built so far. */
  built(): TargetStack[];
  /** Closes the sockets of every stack built. */
  destroy(): void;
}

export interface TargetStacksOptions {
  readonly aws: AwsOptions;
  readonly upstream: UpstreamOptions;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracing: boolean;
  /** The AWS API budget each call waits its turn in, before it takes a place among the calls in flight. */
  readonly budget: ApiBudget;
  /** Tests put stubbed clients in place of the SDK's. */
  readonly clients?: (target: AwsTarget) => AwsClients;
}

/**
 * The targets' stacks. Each target has its own clients (and sockets), its own role (one AssumeRole
 * per credential lifetime, its own back-off while STS fails) and its own limit of calls in flight, so
 * that one target's STS or Redshift outage never slows or refuses another's requests. A stack is
 * built, and its role assumed, when a request first needs it; the `default` target is warmed up at
 * start (gateway.ts).
 */
export function createTargetStacks(options: TargetStacksOptions): TargetStacks {
  const { aws, upstream, logger, metrics } = options;
  const configured = new Map(aws.targets.map((target) => [target.name, target]));
  const stacks = new Map<string, { stack: TargetStack; clients: AwsClients }>();

  const build = (target: AwsTarget) => {
    const labels = { target: target.name };
    let assumedOnce = false;
    const clients =
      options.clients?.(target) ??
      createAwsClients(target, aws, upstream, {
        onAssumeRoleAttempt: (attempt) => {
          metrics.assumeRoleCalls.inc({ ...labels, outcome: attempt.ok ? 'ok' : 'error' });
          const fields = { target: target.name, roleArn: target.roleArn };
          if (attempt.ok) {
            if (assumedOnce) metrics.credentialRefreshes.inc(labels);
            assumedOnce = true;
            logger.info({ ...fields, expiration: attempt.expiration }, 'role assumed');
          } else {
            logger.error({ ...fields, code: attempt.code }, 'role could not be assumed');
          }
        },
        ...(options.tracing && { instrument: awsSpans }),
      });
    const { redshift, serverless, role } = clients;
    const observed = {
      role,
      timeoutMs: upstream.timeoutMs,
      onCall: ({ operation, outcome, code, seconds }: UpstreamCallRecord) => {
        metrics.upstreamCalls.inc({ ...labels, operation, outcome, code });
        metrics.upstreamDuration.observe({ ...labels, operation, outcome }, seconds);
      },
      onCredentialsRefused: ({ operation, code }: CredentialRefusal) => {
        metrics.credentialsRefused.inc({ ...labels, code });
        logger.warn(
          { target: target.name, operation, code },
          'AWS refused the cached role credentials; assuming the role again',
        );
      },
    };
    const limit = createConcurrencyLimit(upstream.maxConcurrent);
    const stack: TargetStack = {
      target,
      role,
      namespaceRegistry: options.budget.registry(
        target,
        withConcurrencyLimit(createSdkNamespaceRegistry({ client: redshift, logger, ...observed }), limit),
      ),
      statusReader: options.budget.reader(
        target,
        readerWithConcurrencyLimit(createSdkRegistrationStatusReader({ redshift, serverless, ...observed }), limit),
      ),
    };
    return { stack, clients };
  };

  return {
    get(name) {
      let entry = stacks.get(name);
      if (entry === undefined) {
        const target = configured.get(name);
        if (target === undefined) throw new Error(`no target '${name}' is configured`);
        entry = build(target);
        stacks.set(name, entry);
      }
      return entry.stack;
    },
    built: () => [...stacks.values()].map((entry) => entry.stack),
    destroy() {
      for (const { clients } of stacks.values()) clients.destroy();
    },
  };
}
