import type { AccessPolicy } from '../../../src/domain/access-policy';
import type { AuditEvent } from '../../../src/domain/audit';
import type { Caller } from '../../../src/domain/caller';
import { authorizeChange, changeRegistration } from '../../../src/domain/change-registration';
import { ClusterNotFoundError, ForbiddenError } from '../../../src/domain/errors';
import type { NamespaceRegistrationCommand, NamespaceRegistry } from '../../../src/domain/ports';

// The use case alone, with fake ports: no HTTP, no SDK.

const caller: Caller = { id: 'ci-pipeline', via: 'api-key', groups: [] };
const context = { caller, requestId: 'req-1' };
const command: NamespaceRegistrationCommand = {
  awsTarget: 'default',
  target: { kind: 'provisioned', clusterIdentifier: 'analytics-prod' },
  consumerIdentifier: 'DataCatalog/111122223333',
};

function fakes({ allowed = true, fails }: { allowed?: boolean; fails?: Error } = {}) {
  const calls: [string, NamespaceRegistrationCommand][] = [];
  const audit: AuditEvent[] = [];
  const answer = (operation: string, status: string) => (sent: NamespaceRegistrationCommand) => {
    calls.push([operation, sent]);
    return fails ? Promise.reject(fails) : Promise.resolve(status);
  };
  const namespaceRegistry: NamespaceRegistry = {
    register: answer('register', 'Registering'),
    deregister: answer('deregister', 'Deregistering'),
  };
  const accessPolicy: AccessPolicy = {
    decide: () =>
      allowed ? { allowed: true, rule: 'rule-a' } : { allowed: false, rule: undefined, reason: 'no-rule-allows' },
  };
  return {
    deps: { namespaceRegistry, accessPolicy, auditLog: { record: (e: AuditEvent) => audit.push(e) } },
    calls,
    audit,
  };
}

describe('changeRegistration', () => {
  it.each([
    ['register', 'Registering'],
    ['deregister', 'Deregistering'],
  ] as const)(
    '%s: sends the command to the registry, answers its status, audits it accepted',
    async (action, status) => {
      const { deps, calls, audit } = fakes();

      await expect(changeRegistration(deps, context, action, command)).resolves.toBe(status);
      expect(calls).toEqual([[action, command]]);
      expect(audit).toEqual([
        expect.objectContaining({
          requestId: 'req-1',
          caller: 'api-key:ci-pipeline',
          action,
          target: command.target,
          consumer: command.consumerIdentifier,
          decision: { allowed: true, rule: 'rule-a' },
          outcome: { result: 'accepted', status },
        }),
      ]);
    },
  );

  it('refused by the policy: ForbiddenError, no registry call, audited as denied', async () => {
    const { deps, calls, audit } = fakes({ allowed: false });

    await expect(changeRegistration(deps, context, 'register', command)).rejects.toBeInstanceOf(ForbiddenError);
    expect(calls).toEqual([]);
    expect(audit.map((event) => [event.decision, event.outcome])).toEqual([
      [{ allowed: false, rule: undefined, reason: 'no-rule-allows' }, { result: 'denied' }],
    ]);
  });

  it("the registry's failure passes through, audited with its code and AWS's fault", async () => {
    const upstream = { code: 'ClusterNotFound', requestId: 'aws-1', message: 'Cluster analytics-prod not found.' };
    const failure = new ClusterNotFoundError("Redshift has no cluster 'analytics-prod'", upstream);
    const { deps, audit } = fakes({ fails: failure });

    await expect(changeRegistration(deps, context, 'register', command)).rejects.toBe(failure);
    expect(audit.map((event) => event.outcome)).toEqual([{ result: 'failed', error: 'cluster-not-found', upstream }]);
  });

  it('an unexpected failure is audited as internal-error', async () => {
    const { deps, audit } = fakes({ fails: new TypeError('bug') });

    await expect(changeRegistration(deps, context, 'deregister', command)).rejects.toThrow('bug');
    expect(audit.map((event) => event.outcome)).toEqual([
      { result: 'failed', error: 'internal-error', upstream: undefined },
    ]);
  });
});

describe('authorizeChange', () => {
  it('passes an allowed change without auditing it (changeRegistration will)', () => {
    const { deps, audit } = fakes();

    expect(() => authorizeChange(deps, context, 'register', command)).not.toThrow();
    expect(audit).toEqual([]);
  });

  it('throws and audits a refused one', () => {
    const { deps, audit } = fakes({ allowed: false });

    expect(() => authorizeChange(deps, context, 'register', command)).toThrow(ForbiddenError);
    expect(audit.map((event) => event.outcome)).toEqual([{ result: 'denied' }]);
  });
});
