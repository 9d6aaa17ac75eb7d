import type { RequestHandler } from 'express';
import { RequestValidationError, TargetNotFoundError } from '../errors';
import '../locals';

/** The configured targets' names, and the one a request that names none goes to, if any. */
export interface TargetNames {
  readonly names: readonly string[];
  readonly default: string | undefined;
}

/**
 * Which configured AWS target (account and region) a `/namespaces` operation goes to: the `target`
 * query parameter (its form already checked by the contract), else `default`. Kept on
 * `res.locals.awsTarget`. A name not configured is a 404 `target-not-found`; no name where no
 * default exists is a 400 that says how to name one.
 */
export function resolveTarget(targets: TargetNames): RequestHandler {
  const configured = new Set(targets.names);
  const listed = targets.names.join(', ');
  return (req, res, next) => {
    const named = req.query.target;
    if (typeof named === 'string') {
      if (!configured.has(named)) {
        throw new TargetNotFoundError(`this gateway has no target '${named}'; its targets are: ${listed}`);
      }
      res.locals.awsTarget = named;
    } else if (targets.default !== undefined) {
      res.locals.awsTarget = targets.default;
    } else {
      throw new RequestValidationError(`This gateway has no default target: name one with ?target=<name>.`, [
        { pointer: '/query/target', detail: `is required: one of ${listed}` },
      ]);
    }
    next();
  };
}
