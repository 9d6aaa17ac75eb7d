import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

// Every variable a shipped example sets must be on the configuration page a user reads: an example
// that sets an undocumented name (say, the SDK's AWS_ACCESS_KEY_ID) leaves its reader guessing. The
// page is the reference here, not the code: it is what the user sees.
const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The names of docs/configuration.md's tables: rows that open with `NAME`. */
function documentedVariables(page: string): Set<string> {
  return new Set([...page.matchAll(/^\| `([A-Z][A-Z0-9_]*)` +\|/gm)].map((row) => row[1] as string));
}

/** Every NAME= of an env file, commented-out examples included. */
function envFileVariables(text: string): string[] {
  return [...text.matchAll(/^(?:# ?)?([A-Z][A-Z0-9_]*)=/gm)].map((line) => line[1] as string);
}

/**
 * Every variable a Kubernetes manifest sets: `env` lists of containers, and JSON patches that add to
 * one (`path: …/env/-`), wherever they are in the document.
 */
function manifestVariables(document: unknown): string[] {
  if (Array.isArray(document)) return document.flatMap(manifestVariables);
  if (document === null || typeof document !== 'object') return [];
  const node = document as Record<string, unknown>;
  const names: string[] = [];
  if (Array.isArray(node.env)) names.push(...node.env.map((entry: { name: string }) => entry.name));
  if (typeof node.path === 'string' && /\/env\/(-|\d+)$/.test(node.path)) {
    names.push((node.value as { name: string }).name);
  }
  for (const [key, value] of Object.entries(node)) if (key !== 'env') names.push(...manifestVariables(value));
  return names;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

const documented = documentedVariables(read('docs/configuration.md'));
const undocumented = (names: string[]) => [...new Set(names)].filter((name) => !documented.has(name));

describe('every variable a shipped example sets is documented on the configuration page', () => {
  it('reads the page: its tables name the variables', () => {
    expect(documented.size).toBeGreaterThan(50);
    expect(documented).toContain('UPSTREAM_TIMEOUT_MS');
  });

  it('.env.example', () => {
    const names = envFileVariables(read('.env.example'));

    expect(names).toContain('AWS_ACCESS_KEY_ID');
    expect(undocumented(names)).toEqual([]);
  });

  it("compose.yaml: the gateway's environment", () => {
    const compose = parse(read('compose.yaml')) as { services: { gateway: { environment: Record<string, string> } } };
    const names = Object.keys(compose.services.gateway.environment);

    expect(names).toContain('REDSHIFT_ROLE_ARN');
    expect(undocumented(names)).toEqual([]);
  });

  it('deploy/kubernetes: the base and every component', () => {
    const files = yamlFiles('deploy/kubernetes');
    const byFile = files.map((file) => ({
      file,
      names: parseAllDocuments(read(file)).flatMap((document) => manifestVariables(document.toJS())),
    }));

    expect(byFile.flatMap(({ names }) => names)).toEqual(
      expect.arrayContaining(['AWS_REGION', 'REDIS_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT']),
    );
    expect(byFile.map(({ file, names }) => ({ file, undocumented: undocumented(names) }))).toEqual(
      files.map((file) => ({ file, undocumented: [] })),
    );
  });
});

describe('the readers of the examples', () => {
  it('find env lists and env patches anywhere in a manifest', () => {
    const deployment = { spec: { template: { spec: { containers: [{ env: [{ name: 'PORT', value: '1' }] }] } } } };
    const patch = [{ op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'REDIS_URL' } }];

    expect(manifestVariables(deployment)).toEqual(['PORT']);
    expect(manifestVariables(patch)).toEqual(['REDIS_URL']);
    expect(manifestVariables({ data: { 'policy.yaml': 'rules: []' } })).toEqual([]);
  });

  it('find set and commented-out variables of an env file, not prose', () => {
    expect(envFileVariables('# The port.\nPORT=8080\n# LOG_LEVEL=debug\n# with AWS_REGION set\n')).toEqual([
      'PORT',
      'LOG_LEVEL',
    ]);
  });
});
