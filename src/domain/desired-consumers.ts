import type { RegistrationAction } from './access-policy';
import { principalOf, type Caller } from './caller';
import type { ChangeRegistrationDeps } from './change-registration';
import { ForbiddenError } from './errors';
import type { NamespaceTarget } from './namespace-target';
import type { RegistrationStatus } from './ports';
import { mayReadStatus, type RegistrationStatusDeps } from './registration-status';

/** What the plan does for one consumer. */
export type ConsumerAction = 'register' | 'deregister' | 'unchanged' | 'kept';

export interface ConsumerPlanStep {
  readonly consumerIdentifier: string;
  readonly action: ConsumerAction;
}

/** How one step went: nothing to do, planned only, accepted or completed by Redshift, or failed. */
export type StepOutcome =
  | { readonly outcome: 'unchanged' | 'planned' }
  | { readonly outcome: 'accepted' | 'completed'; readonly status: RegistrationStatus }
  | { readonly outcome: 'failed'; readonly error: unknown };

export interface DesiredConsumersRequest {
  readonly awsTarget: string;
  readonly target: NamespaceTarget;
  /** Every consumer the namespace should be registered to. */
  readonly consumers: readonly string[];
  /** Deregister the consumers registered now that `consumers` leaves out. */
  readonly prune: boolean;
  readonly dryRun: boolean;
  /** Changes carried out at once, at most: a share of the calls in flight the gateway allows. */
  readonly changesAtOnce: number;
}

/**
 * Carries out one change (changeRegistration, or with `Prefer: wait` changeRegistrationAndWait): at
 * once, Redshift's status (`completed: false`), or once it shows (`completed: true`). The HTTP edge
 * decides which, and holds the waiting room.
 * @throws as changeRegistration.
 */
export type ApplyChange = (
  action: RegistrationAction,
  consumerIdentifier: string,
) => Promise<{ completed: boolean; status: RegistrationStatus }>;

/**
 * The plan from the consumers registered now and those wanted: listed and missing, register; listed
 * and there, unchanged; there and not listed, deregister with `prune`, else kept. In the order of the
 * list, then the others in the order Redshift lists them.
 */
export function planConsumers(
  current: readonly string[],
  desired: readonly string[],
  prune: boolean,
): ConsumerPlanStep[] {
  const registered = new Set(current);
  const wanted = new Set(desired);
  return [
    ...desired.map((consumerIdentifier) => ({
      consumerIdentifier,
      action: registered.has(consumerIdentifier) ? ('unchanged' as const) : ('register' as const),
    })),
    ...current
      .filter((consumerIdentifier) => !wanted.has(consumerIdentifier))
      .map((consumerIdentifier) => ({
        consumerIdentifier,
        action: prune ? ('deregister' as const) : ('kept' as const),
      })),
  ];
}

/**
 * The consumers a namespace is registered to (its INTERNAL datashare's `DataCatalog/` associations)
 * that the caller may `read`; the others are not shown, and so never planned for.
 * @throws UpstreamError subclasses, as RegistrationStatusReader.
 */
export async function readConsumers(
  deps: RegistrationStatusDeps,
  caller: Caller,
  awsTarget: string,
  target: NamespaceTarget,
): Promise<{ producerNamespaceArn: string; consumers: { consumerIdentifier: string; status: string }[] }> {
  // The reader answers for one consumer; the associations it lists are the namespace's, whichever.
  const document = await deps.statusReader.read(
    { awsTarget, target, consumerIdentifier: '' },
    { requestedBy: principalOf(caller) },
  );
  const consumers = document.Associations.filter(
    ({ ConsumerIdentifier }) =>
      ConsumerIdentifier.startsWith('DataCatalog/') &&
      mayReadStatus(deps, caller, { awsTarget, target, consumerIdentifier: ConsumerIdentifier }),
  ).map(({ ConsumerIdentifier, Status }) => ({ consumerIdentifier: ConsumerIdentifier, status: Status }));
  return { producerNamespaceArn: document.ProducerNamespaceArn, consumers };
}

/**
 * Desired state for one namespace: reads its consumers, plans, and (unless a dry run) applies each
 * change through `apply`, which goes through the policy, the audit, the fault table and the AWS API
 * budget as a single registration does. A consumer listed that the caller may not `read` fails alone
 * with 403 (its state would tell what the caller may not know); one change's failure never stops the
 * others.
 * @throws UpstreamError subclasses when the current consumers cannot be read: nothing is planned.
 */
export async function applyDesiredConsumers(
  deps: ChangeRegistrationDeps & RegistrationStatusDeps,
  caller: Caller,
  request: DesiredConsumersRequest,
  apply: ApplyChange,
): Promise<(ConsumerPlanStep & StepOutcome)[]> {
  const { awsTarget, target } = request;
  const { consumers: current } = await readConsumers(deps, caller, awsTarget, target);
  const plan = planConsumers(
    current.map((consumer) => consumer.consumerIdentifier),
    request.consumers,
    request.prune,
  );
  const carryOut = async (step: ConsumerPlanStep): Promise<ConsumerPlanStep & StepOutcome> => {
    const { consumerIdentifier, action } = step;
    if (!mayReadStatus(deps, caller, { awsTarget, target, consumerIdentifier })) {
      const error = new ForbiddenError(`caller '${caller.id}' may not read the registration of ${consumerIdentifier}`);
      return { ...step, outcome: 'failed', error };
    }
    if (action === 'unchanged' || action === 'kept') return { ...step, outcome: 'unchanged' };
    if (request.dryRun) return { ...step, outcome: 'planned' };
    try {
      const { completed, status } = await apply(action, consumerIdentifier);
      return { ...step, outcome: completed ? 'completed' : 'accepted', status };
    } catch (error) {
      return { ...step, outcome: 'failed', error };
    }
  };
  // A few changes at once: a list of a hundred must not take a hundred of the calls in flight
  // (MAX_CONCURRENT_UPSTREAM refuses beyond them), nor wait one after another.
  const results: (ConsumerPlanStep & StepOutcome)[] = [];
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < plan.length; index = next++) results[index] = await carryOut(plan[index]!);
  };
  await Promise.all(Array.from({ length: Math.min(request.changesAtOnce, plan.length) }, worker));
  return results;
}
