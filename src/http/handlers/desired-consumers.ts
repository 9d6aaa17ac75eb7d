import type { RequestHandler, Response } from 'express';
import type { ConsumerPlanItem, ConsumersPlan, DesiredConsumers, NamespaceConsumers } from '../../contract';
import type { Caller } from '../../domain/caller';
import { changeRegistration } from '../../domain/change-registration';
import { applyDesiredConsumers, readConsumers, type ApplyChange } from '../../domain/desired-consumers';
import type { NamespaceTarget } from '../../domain/namespace-target';
import { changeRegistrationAndWait } from '../../domain/wait-for-registration';
import '../locals';
import { preferredWaitSeconds } from '../prefer';
import { toProblem } from '../problem';
import { traceIdOf } from '../trace-context';
import { toNamespaceTarget } from '../wire';
import type { ChangeRegistrationHandlerDeps } from './change-registration';
import { targetOf } from './registration-status';

export const CONSUMERS_PATH = '/namespaces/consumers';

/** The namespace's consumers resource: the `Location` of a PUT whose changes are still in progress. */
export function consumersLocation(awsTarget: string, target: NamespaceTarget): string {
  const query = new URLSearchParams(
    target.kind === 'provisioned'
      ? { ClusterIdentifier: target.clusterIdentifier }
      : { NamespaceIdentifier: target.namespaceIdentifier, WorkgroupIdentifier: target.workgroupIdentifier },
  );
  query.set('target', awsTarget);
  return `${CONSUMERS_PATH}?${query.toString()}`;
}

/** GET /namespaces/consumers: the consumers the namespace is registered to, those the caller may read. */
export function namespaceConsumersHandler(
  deps: ChangeRegistrationHandlerDeps,
): RequestHandler<Record<string, never>, NamespaceConsumers, unknown, Parameters<typeof targetOf>[0]> {
  return async (req, res) => {
    const { caller, awsTarget } = contextOf(res);
    const { producerNamespaceArn, consumers } = await readConsumers(deps, caller, awsTarget, targetOf(req.query));
    res.set('Cache-Control', 'no-store').json({
      ProducerNamespaceArn: producerNamespaceArn,
      Consumers: consumers.map(({ consumerIdentifier, status }) => ({
        ConsumerIdentifier: consumerIdentifier,
        Status: status,
      })),
    });
  };
}

/**
 * PUT /namespaces/consumers: desired state for one namespace. `200` when everything applied (or the
 * dry run's plan), `202` with `Location` when every change was accepted and some are in progress,
 * `207` when some failed (each with its own problem document). With `Prefer: wait`, each change is
 * waited for as a single registration would be, in the waiting room.
 */
export function putNamespaceConsumersHandler(
  deps: ChangeRegistrationHandlerDeps & { readonly changesAtOnce: number },
): RequestHandler<Record<string, never>, ConsumersPlan, DesiredConsumers, { dryRun?: string | boolean }> {
  return async (req, res) => {
    const { caller, awsTarget, requestId } = contextOf(res);
    const body = req.body;
    const target = toNamespaceTarget(body.NamespaceIdentifier);
    const dryRun = req.query.dryRun === true || req.query.dryRun === 'true';
    const prune = body.Prune ?? false;
    const waitSeconds = Math.min(preferredWaitSeconds(req.get('prefer')) ?? 0, deps.waitingRoom.maxWaitSeconds);
    const context = { caller, requestId };

    const apply: ApplyChange = async (action, consumerIdentifier) => {
      const command = { awsTarget, target, consumerIdentifier };
      if (waitSeconds === 0)
        return { completed: false, status: await changeRegistration(deps, context, action, command) };
      const outcome = await deps.waitingRoom.wait(action, (signal) =>
        changeRegistrationAndWait(deps, context, action, command, { waitMs: waitSeconds * 1000, signal }),
      );
      return outcome.completed
        ? { completed: true, status: outcome.document.Status }
        : { completed: false, status: outcome.status };
    };
    const steps = await applyDesiredConsumers(
      deps,
      caller,
      { awsTarget, target, consumers: body.ConsumerIdentifiers, prune, dryRun, changesAtOnce: deps.changesAtOnce },
      apply,
    );

    const problemContext = { instance: req.path, requestId, traceId: traceIdOf(res) };
    const items = steps.map((step): ConsumerPlanItem => {
      const item = { ConsumerIdentifier: step.consumerIdentifier, Action: step.action, Outcome: step.outcome };
      if (step.outcome === 'failed') return { ...item, Problem: toProblem(step.error, problemContext).body };
      if (step.outcome === 'accepted' || step.outcome === 'completed') return { ...item, Status: step.status };
      return item;
    });
    if (waitSeconds > 0 && !dryRun) res.set('Preference-Applied', `wait=${waitSeconds}`);
    const plan: ConsumersPlan = { DryRun: dryRun, Prune: prune, Consumers: items };
    if (items.some((item) => item.Outcome === 'failed')) {
      res.status(207).json(plan);
    } else if (items.some((item) => item.Outcome === 'accepted')) {
      res.status(202).location(consumersLocation(awsTarget, target)).json(plan);
    } else {
      res.status(200).json(plan);
    }
  };
}

function contextOf(res: Response): { caller: Caller; awsTarget: string; requestId: string } {
  const { caller, awsTarget } = res.locals;
  if (caller === undefined || awsTarget === undefined) {
    throw new Error('the consumers handlers run only after authenticate and resolveTarget');
  }
  return { caller, awsTarget, requestId: res.get('X-Request-Id') ?? '' };
}
