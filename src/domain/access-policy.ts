import { z } from 'zod';
import type { Caller } from './caller';
import { isServerlessId, type NamespaceTarget } from './namespace-target';

export type RegistrationAction = 'register' | 'deregister';
/** What a rule can allow: changing a registration, or reading its status. */
export type PolicyAction = RegistrationAction | 'read';

/** The outcome of a policy check; `rule` names the rule that decided, if one did. */
export type AccessDecision =
  | { readonly allowed: true; readonly rule: string }
  | {
      readonly allowed: false;
      readonly rule: string | undefined;
      readonly reason: 'denied-by-rule' | 'no-rule-allows' | 'id-not-name';
    };

export interface AccessPolicy {
  decide(request: {
    caller: Caller;
    action: PolicyAction;
    /** The configured AWS target (account and region) by name. */
    awsTarget: string;
    target: NamespaceTarget;
    consumerIdentifier: string;
  }): AccessDecision;
}

const glob = z.string().min(1).max(256);
const ruleSchema = z
  .object({
    name: z.string().min(1).max(128),
    effect: z.enum(['allow', 'deny']).default('allow'),
    // API key names and JWT identities are different callers: a JWT whose subject is an API key's
    // name must not get that key's rules. `callers` named both at once, and is refused.
    callers: z
      .never({ error: 'was split in two: list API key names under apiKeys and JWT identities under subjects' })
      .optional(),
    apiKeys: z.array(glob).default([]),
    subjects: z.array(glob).default([]),
    groups: z.array(glob).default([]),
    actions: z.array(z.enum(['register', 'deregister', 'read'])).min(1),
    // The AWS targets (TARGETS_FILE) a rule reaches. Unnamed, only `default`: a policy written for a
    // one-account gateway gives nothing in the accounts added later.
    targets: z.array(glob).min(1).default(['default']),
    clusters: z.array(glob).default([]),
    serverlessNamespaces: z.array(glob).default([]),
    serverlessWorkgroups: z.array(glob).default(['*']),
    consumerAccounts: z
      .array(z.string().regex(/^[0-9*?]{1,12}$/, 'must be a 12-digit account id or a glob of one'))
      .min(1),
  })
  .strict()
  .refine(
    (rule) => rule.apiKeys.length > 0 || rule.subjects.length > 0 || rule.groups.length > 0,
    'must name apiKeys, subjects or groups',
  )
  .refine(
    (rule) => rule.clusters.length > 0 || rule.serverlessNamespaces.length > 0,
    'must name clusters or serverlessNamespaces',
  );

const policySchema = z.object({ rules: z.array(ruleSchema).min(1) }).strict();

type Rule = z.infer<typeof ruleSchema>;

/** Thrown by parseAccessPolicy; the message names each bad place in the document. */
export class AccessPolicyError extends Error {
  override readonly name = 'AccessPolicyError';
}

/**
 * Builds the policy from its parsed document (docs/security.md). Default deny: a request
 * that no allow rule matches is refused, and a matching deny rule wins over any allow rule.
 * @throws AccessPolicyError naming every mistake.
 */
export function parseAccessPolicy(document: unknown): AccessPolicy {
  const parsed = policySchema.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${formatPath(issue.path)} ${issue.message}`);
    throw new AccessPolicyError(problems.join('; '));
  }
  const rules = parsed.data.rules.map(compileRule);
  const names = new Set<string>();
  for (const rule of parsed.data.rules) {
    if (names.has(rule.name)) throw new AccessPolicyError(`rule name '${rule.name}' is used twice`);
    names.add(rule.name);
  }
  // Redshift Serverless takes a namespace or workgroup by name or by id (a UUID). Rules name them by
  // name, so an id would slip past them: where any rule narrows them by name, ids are refused, and
  // the caller is told to send the name.
  const namesNamespaces = parsed.data.rules.some((rule) => rule.serverlessNamespaces.some((p) => p !== '*'));
  const namesWorkgroups = parsed.data.rules.some((rule) => rule.serverlessWorkgroups.some((p) => p !== '*'));

  return {
    decide(request) {
      const { target } = request;
      if (
        target.kind === 'serverless' &&
        ((namesNamespaces && isServerlessId(target.namespaceIdentifier)) ||
          (namesWorkgroups && isServerlessId(target.workgroupIdentifier)))
      ) {
        return { allowed: false, rule: undefined, reason: 'id-not-name' };
      }
      const matching = rules.filter((rule) => rule.matches(request));
      const deny = matching.find((rule) => rule.effect === 'deny');
      if (deny) return { allowed: false, rule: deny.name, reason: 'denied-by-rule' };
      const allow = matching.find((rule) => rule.effect === 'allow');
      if (allow) return { allowed: true, rule: allow.name };
      return { allowed: false, rule: undefined, reason: 'no-rule-allows' };
    },
  };
}

/** A policy that allows everything: AUTHZ_ALLOW_ALL=true. */
export const ALLOW_ALL: AccessPolicy = { decide: () => ({ allowed: true, rule: 'AUTHZ_ALLOW_ALL' }) };

function compileRule(rule: Rule) {
  const apiKeys = rule.apiKeys.map(globToRegExp);
  const subjects = rule.subjects.map(globToRegExp);
  const groups = rule.groups.map(globToRegExp);
  const clusters = rule.clusters.map(globToRegExp);
  const namespaces = rule.serverlessNamespaces.map(globToRegExp);
  const workgroups = rule.serverlessWorkgroups.map(globToRegExp);
  const accounts = rule.consumerAccounts.map(globToRegExp);
  const targets = rule.targets.map(globToRegExp);
  const any = (patterns: RegExp[], value: string) => patterns.some((pattern) => pattern.test(value));

  return {
    name: rule.name,
    effect: rule.effect,
    matches({ caller, action, awsTarget, target, consumerIdentifier }: Parameters<AccessPolicy['decide']>[0]): boolean {
      const account = consumerIdentifier.replace(/^DataCatalog\//, '');
      const who =
        caller.via === 'jwt'
          ? any(subjects, caller.id) || caller.groups.some((group) => any(groups, group))
          : // API key callers; with AUTH_DISABLED, 'anonymous' may be named under either list.
            any(apiKeys, caller.id) || (caller.via === 'none' && any(subjects, caller.id));
      const what =
        target.kind === 'provisioned'
          ? any(clusters, target.clusterIdentifier)
          : any(namespaces, target.namespaceIdentifier) && any(workgroups, target.workgroupIdentifier);
      return who && rule.actions.includes(action) && any(targets, awsTarget) && what && any(accounts, account);
    },
  };
}

/**
 * `*` is any run of characters, `?` any one character; everything else is literal. Any character
 * means any, line terminators included (the `s` flag): an identity holding a newline must not escape
 * a `*` deny rule.
 */
function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}

function formatPath(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>(
      (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
      '',
    ) || 'policy'
  );
}
