import { readFileSync } from 'node:fs';
import { z } from 'zod';

const seedSchema = z.object({
  accountId: z.string().regex(/^\d{12}$/),
  baseCredentials: z
    .array(z.object({ accessKeyId: z.string().min(16), secretAccessKey: z.string().min(1), arn: z.string() }))
    .min(1),
  roles: z.array(
    z.object({ arn: z.string().regex(/^arn:aws:iam::\d{12}:role\/.+$/), externalId: z.string().optional() }),
  ),
  clusters: z.array(z.object({ identifier: z.string(), status: z.string() })),
  serverlessNamespaces: z.array(z.object({ name: z.string(), id: z.string(), workgroups: z.array(z.string()) })),
});

/** The emulator's starting state: credentials it accepts, roles, clusters and serverless namespaces. */
export type Seed = z.infer<typeof seedSchema>;

export const DEFAULT_SEED_PATH = `${__dirname}/seed.json`;

export function loadSeed(path: string = DEFAULT_SEED_PATH): Seed {
  return seedSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}
