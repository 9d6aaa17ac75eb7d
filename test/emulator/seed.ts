import { readFileSync } from 'node:fs';
import { z } from 'zod';

const accountId = z.string().regex(/^\d{12}$/);
const resourcesSchema = z.object({
  accountId,
  region: z.string().regex(/^[a-z]{2,4}(-[a-z]+)+-\d+$/),
  clusters: z.array(z.object({ identifier: z.string(), status: z.string() })),
  serverlessNamespaces: z.array(z.object({ name: z.string(), id: z.string(), workgroups: z.array(z.string()) })),
});

const seedSchema = z.object({
  /** The account of the base credentials. */
  accountId,
  baseCredentials: z
    .array(z.object({ accessKeyId: z.string().min(16), secretAccessKey: z.string().min(1), arn: z.string() }))
    .min(1),
  /** Roles in any account (the ARN says which) that trust the base credentials' principal. */
  roles: z.array(
    z.object({ arn: z.string().regex(/^arn:aws:iam::\d{12}:role\/.+$/), externalId: z.string().optional() }),
  ),
  /** What exists where: each account's clusters and serverless namespaces in one region. */
  resources: z.array(resourcesSchema).min(1),
});

/** The emulator's starting state: credentials it accepts, roles, and the resources of each account and region. */
export type Seed = z.infer<typeof seedSchema>;
/** One account's clusters and serverless namespaces in one region. */
export type SeedResources = Seed['resources'][number];

export const DEFAULT_SEED_PATH = `${__dirname}/seed.json`;

export function loadSeed(path: string = DEFAULT_SEED_PATH): Seed {
  return seedSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/** The account of an IAM or STS ARN (`arn:aws:iam::111122223333:…`), or undefined. */
export function accountOfArn(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1];
}
