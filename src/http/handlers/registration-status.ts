import type { RequestHandler } from 'express';
import type { FieldError, RegistrationStatusDocument } from '../../contract';
import type { NamespaceTarget } from '../../domain/namespace-target';
import { readRegistrationStatus, type RegistrationStatusDeps } from '../../domain/registration-status';
import { RequestValidationError } from '../errors';
import '../locals';

interface StatusQuery {
  ClusterIdentifier?: string;
  NamespaceIdentifier?: string;
  WorkgroupIdentifier?: string;
  ConsumerIdentifier: string;
  target?: string;
}

/**
 * GET /namespaces/registrations/status: each query parameter has passed the contract; which of them
 * go together (one target kind, exactly) is checked here, as the body's tagged union is.
 */
export function registrationStatusHandler(
  deps: RegistrationStatusDeps,
): RequestHandler<Record<string, never>, RegistrationStatusDocument, unknown, StatusQuery> {
  return async (req, res) => {
    const { caller, awsTarget } = res.locals;
    if (caller === undefined || awsTarget === undefined) {
      throw new Error('registrationStatusHandler runs only after authenticate and resolveTarget');
    }
    const document = await readRegistrationStatus(deps, caller, {
      awsTarget,
      target: targetOf(req.query),
      consumerIdentifier: req.query.ConsumerIdentifier,
    });
    res.set('Cache-Control', 'no-store').json(document);
  };
}

/** The cluster or serverless namespace a query names, as the status resource's and the consumers' queries do. */
export function targetOf({
  ClusterIdentifier,
  NamespaceIdentifier,
  WorkgroupIdentifier,
}: Omit<StatusQuery, 'ConsumerIdentifier'>): NamespaceTarget {
  const serverless = NamespaceIdentifier !== undefined || WorkgroupIdentifier !== undefined;
  const errors: FieldError[] = [];
  if (ClusterIdentifier !== undefined && serverless) {
    errors.push({
      pointer: '/query/ClusterIdentifier',
      detail: 'give ClusterIdentifier, or NamespaceIdentifier and WorkgroupIdentifier, not both',
    });
  } else if (ClusterIdentifier !== undefined) {
    return { kind: 'provisioned', clusterIdentifier: ClusterIdentifier };
  } else if (!serverless) {
    errors.push({
      pointer: '/query',
      detail: 'give ClusterIdentifier, or NamespaceIdentifier and WorkgroupIdentifier',
    });
  } else if (NamespaceIdentifier !== undefined && WorkgroupIdentifier !== undefined) {
    return { kind: 'serverless', namespaceIdentifier: NamespaceIdentifier, workgroupIdentifier: WorkgroupIdentifier };
  } else {
    const missing = NamespaceIdentifier === undefined ? 'NamespaceIdentifier' : 'WorkgroupIdentifier';
    errors.push({ pointer: `/query/${missing}`, detail: 'is required with a serverless namespace' });
  }
  throw new RequestValidationError('The query does not name one cluster or serverless namespace.', errors);
}
