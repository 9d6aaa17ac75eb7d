import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { AccessPolicyError, parseAccessPolicy, type RegistrationAction } from '../../../src/domain/access-policy';
import type { Caller } from '../../../src/domain/caller';
import type { NamespaceTarget } from '../../../src/domain/namespace-target';

const example = parseAccessPolicy(parse(readFileSync(`${__dirname}/../../../access-policy.example.yaml`, 'utf8')));

const key = (id: string): Caller => ({ id, via: 'api-key', groups: [] });
const jwt = (id: string, ...groups: string[]): Caller => ({ id, via: 'jwt', groups });
const cluster = (clusterIdentifier: string): NamespaceTarget => ({ kind: 'provisioned', clusterIdentifier });
const serverless = (namespaceIdentifier: string, workgroupIdentifier: string): NamespaceTarget => ({
  kind: 'serverless',
  namespaceIdentifier,
  workgroupIdentifier,
});

describe('the example access policy', () => {
  const cases: [string, Caller, RegistrationAction, NamespaceTarget, string, boolean, string | undefined][] = [
    [
      'ci registers an analytics cluster',
      key('ci-pipeline'),
      'register',
      cluster('analytics-prod'),
      '111122223333',
      true,
      'ci-registers-analytics',
    ],
    [
      'ci may not deregister',
      key('ci-pipeline'),
      'deregister',
      cluster('analytics-prod'),
      '111122223333',
      false,
      undefined,
    ],
    [
      'ci may not touch other clusters',
      key('ci-pipeline'),
      'register',
      cluster('billing-prod'),
      '111122223333',
      false,
      undefined,
    ],
    [
      'ci may not use other consumers',
      key('ci-pipeline'),
      'register',
      cluster('analytics-prod'),
      '999999999999',
      false,
      undefined,
    ],
    [
      'ci may not touch serverless',
      key('ci-pipeline'),
      'register',
      serverless('sales-ns', 'sales-wg'),
      '111122223333',
      false,
      undefined,
    ],
    [
      'an unknown caller gets nothing',
      key('someone'),
      'register',
      cluster('analytics-prod'),
      '111122223333',
      false,
      undefined,
    ],
    [
      'the group manages serverless',
      jwt('svc', 'data-platform'),
      'deregister',
      serverless('sales-ns', 'sales-wg'),
      '444455556666',
      true,
      'data-platform-manages-serverless',
    ],
    [
      'the group may not touch clusters',
      jwt('svc', 'data-platform'),
      'register',
      cluster('analytics-prod'),
      '111122223333',
      false,
      undefined,
    ],
    [
      'another group gets nothing',
      jwt('svc', 'marketing'),
      'register',
      serverless('sales-ns', 'sales-wg'),
      '111122223333',
      false,
      undefined,
    ],
    [
      'a deny rule wins over an allow',
      jwt('svc', 'data-platform'),
      'register',
      serverless('finance-ns', 'wg'),
      '111122223333',
      false,
      'nobody-touches-production-finance',
    ],
  ];

  it.each(cases)('%s', (_name, caller, action, target, account, allowed, rule) => {
    const decision = example.decide({
      caller,
      action,
      awsTarget: 'default',
      target,
      consumerIdentifier: `DataCatalog/${account}`,
    });

    expect(decision.allowed).toBe(allowed);
    expect(decision.rule).toBe(rule);
    if (!decision.allowed) expect(decision.reason).toBe(rule ? 'denied-by-rule' : 'no-rule-allows');
  });
});

describe('parseAccessPolicy', () => {
  const rule = {
    name: 'r',
    apiKeys: ['ci'],
    actions: ['register'],
    clusters: ['a-*'],
    consumerAccounts: ['111122223333'],
  };

  it.each([
    ['no rules', { rules: [] }, 'rules'],
    ['an unknown action', { rules: [{ ...rule, actions: ['delete'] }] }, 'rules[0].actions[0]'],
    ['no callers or groups', { rules: [{ ...rule, apiKeys: [] }] }, 'must name apiKeys, subjects or groups'],
    ['the ambiguous callers field', { rules: [{ ...rule, callers: ['ci'] }] }, 'rules[0].callers was split in two'],
    ['no targets', { rules: [{ ...rule, clusters: [] }] }, 'must name clusters or serverlessNamespaces'],
    [
      'a bad account',
      { rules: [{ ...rule, consumerAccounts: ['DataCatalog/1'] }] },
      'rules[0].consumerAccounts[0] must be a 12-digit account id',
    ],
    ['an unknown key', { rules: [{ ...rule, cluster: ['x'] }] }, 'rules[0]'],
    ['a duplicate name', { rules: [rule, rule] }, "rule name 'r' is used twice"],
  ])('refuses %s, naming where', (_name, document, expected) => {
    expect(() => parseAccessPolicy(document)).toThrow(AccessPolicyError);
    expect(() => parseAccessPolicy(document)).toThrow(expected);
  });

  it('treats glob characters as globs and everything else literally', () => {
    const policy = parseAccessPolicy({ rules: [{ ...rule, clusters: ['a.b-?'] }] });
    const decide = (clusterIdentifier: string) =>
      policy.decide({
        caller: key('ci'),
        action: 'register',
        awsTarget: 'default',
        target: cluster(clusterIdentifier),
        consumerIdentifier: 'DataCatalog/111122223333',
      }).allowed;

    expect(decide('a.b-1')).toBe(true);
    expect(decide('axb-1')).toBe(false);
    expect(decide('a.b-12')).toBe(false);
  });

  describe('targets', () => {
    const decide = (policy: ReturnType<typeof parseAccessPolicy>, awsTarget: string) =>
      policy.decide({
        caller: key('ci'),
        action: 'register',
        awsTarget,
        target: cluster('a-1'),
        consumerIdentifier: 'DataCatalog/111122223333',
      });

    it('a rule that names no targets reaches only the default one', () => {
      const policy = parseAccessPolicy({ rules: [rule] });

      expect(decide(policy, 'default').allowed).toBe(true);
      expect(decide(policy, 'prod-eu')).toEqual({ allowed: false, rule: undefined, reason: 'no-rule-allows' });
    });

    it('a rule reaches the targets its globs name, and no other', () => {
      const policy = parseAccessPolicy({ rules: [{ ...rule, targets: ['prod-*', 'staging-eu'] }] });

      expect(
        ['prod-eu', 'prod-us', 'staging-eu', 'default', 'staging-us'].map((name) => decide(policy, name).allowed),
      ).toEqual([true, true, true, false, false]);
    });

    it('a deny rule on a target wins over an allow on every target', () => {
      const policy = parseAccessPolicy({
        rules: [
          { ...rule, name: 'all', targets: ['*'] },
          { ...rule, name: 'not-prod', effect: 'deny', targets: ['prod-*'] },
        ],
      });

      expect(decide(policy, 'staging-eu')).toEqual({ allowed: true, rule: 'all' });
      expect(decide(policy, 'prod-eu')).toEqual({ allowed: false, rule: 'not-prod', reason: 'denied-by-rule' });
    });

    it('refuses an empty list of targets', () => {
      expect(() => parseAccessPolicy({ rules: [{ ...rule, targets: [] }] })).toThrow('rules[0].targets');
    });
  });
});

describe('parseAccessPolicy, against identities and targets that try to slip past a rule', () => {
  const account = 'DataCatalog/111122223333';
  const decide = (policy: ReturnType<typeof parseAccessPolicy>, caller: Caller, target: NamespaceTarget) =>
    policy.decide({ caller, action: 'register', awsTarget: 'default', target, consumerIdentifier: account });

  it('an API key name and a JWT subject spelt alike are different callers', () => {
    const policy = parseAccessPolicy({
      rules: [
        { name: 'ci', apiKeys: ['ci-pipeline'], actions: ['register'], clusters: ['*'], consumerAccounts: ['*'] },
      ],
    });

    expect(decide(policy, key('ci-pipeline'), cluster('a')).allowed).toBe(true);
    expect(decide(policy, jwt('ci-pipeline'), cluster('a')).allowed).toBe(false);
  });

  it.each(['bob\n', 'bob\r', 'bob\u2028', 'bob\u2029', '\nbob'])(
    'a JWT identity with a line terminator (%j) is still caught by a * deny rule',
    (identity) => {
      const policy = parseAccessPolicy({
        rules: [
          { name: 'all', subjects: ['*'], actions: ['register'], clusters: ['*'], consumerAccounts: ['*'] },
          {
            name: 'no-finance',
            effect: 'deny',
            subjects: ['*'],
            actions: ['register'],
            clusters: ['finance-*'],
            consumerAccounts: ['*'],
          },
        ],
      });

      expect(decide(policy, jwt(identity), cluster('finance-prod'))).toMatchObject({
        allowed: false,
        rule: 'no-finance',
      });
    },
  );

  it('a serverless namespace or workgroup given by id is refused where a rule names them by name', () => {
    const policy = parseAccessPolicy({
      rules: [
        {
          name: 'all',
          apiKeys: ['*'],
          actions: ['register'],
          serverlessNamespaces: ['*'],
          consumerAccounts: ['*'],
        },
        {
          name: 'no-finance',
          effect: 'deny',
          apiKeys: ['*'],
          actions: ['register'],
          serverlessNamespaces: ['finance-*'],
          consumerAccounts: ['*'],
        },
      ],
    });
    const id = '0a0b0c0d-1111-2222-3333-444455556666';

    expect(decide(policy, key('ci'), serverless('finance-ns', 'wg'))).toMatchObject({
      allowed: false,
      rule: 'no-finance',
    });
    expect(decide(policy, key('ci'), serverless(id, 'wg'))).toEqual({
      allowed: false,
      rule: undefined,
      reason: 'id-not-name',
    });
    expect(decide(policy, key('ci'), serverless('sales-ns', 'wg')).allowed).toBe(true);
  });

  it('ids are fine where every rule takes any namespace and workgroup', () => {
    const policy = parseAccessPolicy({
      rules: [
        { name: 'all', apiKeys: ['*'], actions: ['register'], serverlessNamespaces: ['*'], consumerAccounts: ['*'] },
      ],
    });
    const id = '0a0b0c0d-1111-2222-3333-444455556666';

    expect(decide(policy, key('ci'), serverless(id, id)).allowed).toBe(true);
  });
});
