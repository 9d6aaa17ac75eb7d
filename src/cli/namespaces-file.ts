import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import { parse as parseYaml } from 'yaml';
import type { DesiredConsumers } from '../contract';

/** One entry of the namespaces file: the body of PUT /namespaces/consumers (`Prune` may be left out), and its target. */
export type NamespaceEntry = Omit<DesiredConsumers, 'Prune'> & { readonly Prune?: boolean; readonly target?: string };

/** The file cannot be read, is not YAML, or breaks its schema; the message names each place. */
export class NamespacesFileError extends Error {
  override readonly name = 'NamespacesFileError';
}

const SCHEMA_PATH = `${__dirname}/../../openapi/namespaces-file.schema.json`;

/**
 * The namespaces of a YAML (or JSON) file, checked against openapi/namespaces-file.schema.json (made
 * from the contract), every mistake named.
 * @throws NamespacesFileError
 */
export function readNamespacesFile(path: string): NamespaceEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new NamespacesFileError(`${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new NamespacesFileError(`${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const validate = new Ajv2020({ allErrors: true }).compile<{ namespaces: NamespaceEntry[] }>(
    JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object,
  );
  if (!validate(document)) {
    const problems = (validate.errors ?? []).map((error) => {
      const extra = error.keyword === 'additionalProperties' ? ` '${String(error.params.additionalProperty)}'` : '';
      return `${error.instancePath || '/'} ${error.message ?? 'is not valid'}${extra}`;
    });
    throw new NamespacesFileError(`${path}: ${problems.join('; ')}`);
  }
  return document.namespaces;
}

/** How a namespace reads in the CLI's output: `default/cluster analytics-prod`. */
export function describeEntry(entry: NamespaceEntry): string {
  const { ProvisionedIdentifier: cluster, ServerlessIdentifier: serverless } = entry.NamespaceIdentifier;
  const what = cluster
    ? `cluster ${cluster.ClusterIdentifier}`
    : `serverless ${serverless?.NamespaceIdentifier}/${serverless?.WorkgroupIdentifier}`;
  return `${entry.target ?? 'default'}: ${what}`;
}
