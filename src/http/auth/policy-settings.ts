import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ALLOW_ALL, AccessPolicyError, parseAccessPolicy, type AccessPolicy } from '../../domain/access-policy';
import { defineSection, variable } from '../../env/variable';
import { booleanFlag, optionalText } from '../../env/parsers';

/** What callers may do: the access policy read at start, or allow-all when asked for explicitly. */
export interface AuthzOptions {
  readonly allowAll: boolean;
  readonly policy: AccessPolicy;
}

/** Where the image expects the access policy (a ConfigMap or a bind mount). */
export const DEFAULT_POLICY_PATH = '/etc/redshift-namespace-gateway/policy.yaml';

export const AUTHZ_SETTINGS = defineSection({
  title: 'What callers may do',
  variables: {
    AUTHZ_POLICY_FILE: variable(
      'The access policy, YAML or JSON (docs/security.md); the image expects it mounted at the default path. Ignored with AUTHZ_ALLOW_ALL=true. The local value is the policy of `npm run local`.',
      optionalText,
      { default: DEFAULT_POLICY_PATH, local: 'test/emulator/local-policy.yaml' },
    ),
    AUTHZ_ALLOW_ALL: variable(
      'true lets every authenticated caller do everything (a warning is logged at every start).',
      booleanFlag,
      { default: 'false' },
    ),
  },
  build: (v, check): AuthzOptions => {
    let policy: AccessPolicy = ALLOW_ALL;
    if (check.parsed('AUTHZ_ALLOW_ALL')) {
      if (v.AUTHZ_ALLOW_ALL) {
        check.warn('AUTHZ_ALLOW_ALL=true: every authenticated caller may register and deregister anything');
        // Set explicitly, not the default path.
        if (check.isSet('AUTHZ_POLICY_FILE'))
          check.problem('AUTHZ_POLICY_FILE and AUTHZ_ALLOW_ALL=true exclude each other');
      } else if (v.AUTHZ_POLICY_FILE === undefined) {
        check.problem('AUTHZ_POLICY_FILE must name the access policy (or set AUTHZ_ALLOW_ALL=true)');
      } else {
        const text = check.readFile(
          'AUTHZ_POLICY_FILE',
          v.AUTHZ_POLICY_FILE,
          'mount the access policy there or set AUTHZ_POLICY_FILE',
        );
        if (text !== undefined)
          policy = parsePolicyText(text, (reason) =>
            check.problem(`AUTHZ_POLICY_FILE (${resolve(v.AUTHZ_POLICY_FILE!)}): ${reason}`),
          );
      }
    }
    return { allowAll: v.AUTHZ_ALLOW_ALL, policy };
  },
});

function parsePolicyText(text: string, report: (reason: string) => void): AccessPolicy {
  try {
    return parseAccessPolicy(parseYaml(text));
  } catch (error) {
    report(error instanceof AccessPolicyError ? error.message : 'is not valid YAML or JSON');
    return ALLOW_ALL;
  }
}
