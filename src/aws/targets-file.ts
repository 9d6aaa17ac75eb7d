import { z } from 'zod';
import { parse as parseYaml } from 'yaml';

// The targets file (TARGETS_FILE): the AWS accounts and regions one gateway reaches, each through a
// role of its own. Its fields are declared once here; the parser and docs/configuration.md's table
// both come from this declaration.

/** A target's name: in the `target` query parameter, the policy's `targets`, a metric label. */
export const TARGET_NAME_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$';
const TARGET_NAME = new RegExp(TARGET_NAME_PATTERN);
const TARGET_NAME_MESSAGE = 'must be 1 to 63 lower-case letters, digits and inner hyphens';

const endpoint = z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).optional();

/** One field of a target: its schema, what it means, and what it is when left out (for the docs). */
interface TargetField {
  readonly schema: z.ZodType;
  readonly doc: string;
  /** What the field is when left out; undefined for a required field. */
  readonly absent?: string;
}

export const TARGET_FIELDS = {
  accountId: {
    schema: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
    doc: "The AWS account of the target's Redshift clusters and namespaces; `roleArn` must be a role of this account.",
  },
  region: {
    schema: z.string().regex(/^[a-z]{2,4}(-[a-z]+)+-\d+$/, 'must be an AWS region such as eu-west-1'),
    doc: 'The region of those clusters and namespaces; one this SDK version knows.',
  },
  roleArn: {
    schema: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
        'must be an IAM role ARN such as arn:aws:iam::111122223333:role/name',
      ),
    doc: "The role the gateway assumes for this target's calls; its trust policy names the gateway's workload role (deploy/aws).",
  },
  externalId: {
    schema: z
      .string()
      .regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2 to 1224 characters of letters, digits and +=,.@:/-')
      .optional(),
    doc: "The external id the role's trust policy requires, if any.",
    absent: 'none',
  },
  sessionName: {
    schema: z
      .string()
      .regex(/^[\w+=,.@-]{2,64}$/, 'must be 2 to 64 characters of letters, digits and +=,.@-')
      .optional(),
    doc: "The session name CloudTrail shows for the gateway's calls in this account.",
    absent: '`REDSHIFT_ROLE_SESSION_NAME`',
  },
  durationSeconds: {
    schema: z.number().int().min(900).max(43200).optional(),
    doc: 'Lifetime of the assumed credentials, 900 to 43200 s.',
    absent: '`REDSHIFT_ROLE_DURATION_SECONDS`',
  },
  redshiftEndpoint: {
    schema: endpoint,
    doc: 'Endpoint override for Redshift (the emulator, a VPC endpoint).',
    absent: "`AWS_ENDPOINT_URL_REDSHIFT`, else `AWS_ENDPOINT_URL`, else AWS's",
  },
  stsEndpoint: {
    schema: endpoint,
    doc: "Endpoint override for the STS that assumes this target's role (a regional STS endpoint, the emulator).",
    absent: "`AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`, else AWS's",
  },
  redshiftServerlessEndpoint: {
    schema: endpoint,
    doc: 'Endpoint override for Redshift Serverless.',
    absent: "`AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS`, else `AWS_ENDPOINT_URL`, else AWS's",
  },
} as const satisfies Record<string, TargetField>;

type FieldSchemas = { [K in keyof typeof TARGET_FIELDS]: (typeof TARGET_FIELDS)[K]['schema'] };
const targetSchema = z
  .object(
    Object.fromEntries(Object.entries(TARGET_FIELDS).map(([name, field]) => [name, field.schema])) as FieldSchemas,
  )
  .strict();

const fileSchema = z
  .object({ targets: z.record(z.string(), z.unknown()) }, { error: 'must be a mapping with `targets`' })
  .strict();

/** One entry of the targets file, as written (defaults not yet applied). */
export type TargetEntry = z.output<typeof targetSchema>;

/**
 * The targets of a targets file's text, by name, in the file's order; or every problem with it, each
 * naming its place (`targets.prod-eu.region must be …`): each target is checked on its own, so that
 * one bad target does not hide another's mistakes.
 */
export function parseTargetsFile(text: string): { targets: Record<string, TargetEntry> } | { problems: string[] } {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch {
    return { problems: ['is not valid YAML or JSON'] };
  }
  const file = fileSchema.safeParse(document);
  if (!file.success) return { problems: file.error.issues.map((issue) => describeIssue(issue, [])) };
  const entries = Object.entries(file.data.targets);
  if (entries.length === 0) return { problems: ['targets must list at least one target'] };

  const problems: string[] = [];
  const targets: Record<string, TargetEntry> = {};
  for (const [name, value] of entries) {
    const place = ['targets', name];
    if (!TARGET_NAME.test(name)) problems.push(`${place.join('.')} ${TARGET_NAME_MESSAGE}`);
    const parsed = targetSchema.safeParse(value);
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((issue) => describeIssue(issue, place)));
      continue;
    }
    const roleAccount = /^arn:[^:]+:iam::(\d{12}):/.exec(parsed.data.roleArn)?.[1];
    if (roleAccount !== parsed.data.accountId) {
      problems.push(
        `${place.join('.')}.roleArn is a role of account ${roleAccount}, not of accountId ${parsed.data.accountId}`,
      );
    }
    targets[name] = parsed.data;
  }
  return problems.length > 0 ? { problems } : { targets };
}

function describeIssue(issue: z.core.$ZodIssue, place: string[]): string {
  const path = [...place, ...issue.path.map(String)].join('.');
  const message = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
  return path === '' ? message : `${path} ${message}`;
}
