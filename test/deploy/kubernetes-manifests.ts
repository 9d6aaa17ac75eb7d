import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const ROOT = join(__dirname, '..', '..');
export const KUSTOMIZE_BASE = join(ROOT, 'deploy', 'kubernetes');

export interface Manifest {
  /** Path from the repository root. */
  readonly file: string;
  readonly document: { apiVersion: string; kind: string; metadata?: { name?: string } } & Record<string, unknown>;
}

interface Kustomization {
  resources?: string[];
  components?: string[];
  patches?: { path?: string }[];
}

const readKustomization = (dir: string) =>
  parseAllDocuments(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'))[0]?.toJSON() as Kustomization;

/** The directories of the kustomize base and of its components (deploy/kubernetes/components/*). */
export function kustomizations(): string[] {
  // Read from the folder, so that a new component is checked without being listed here too.
  const components = readdirSync(join(KUSTOMIZE_BASE, 'components'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(KUSTOMIZE_BASE, 'components', entry.name))
    .sort();
  return [KUSTOMIZE_BASE, ...components];
}

/** Every manifest the base and its components list as resources, in order. */
export function kubernetesManifests(): Manifest[] {
  return kustomizations().flatMap((dir) =>
    (readKustomization(dir).resources ?? []).flatMap((resource) => {
      const path = join(dir, resource);
      return parseAllDocuments(readFileSync(path, 'utf8')).map((document) => ({
        file: relative(ROOT, path),
        document: document.toJSON() as Manifest['document'],
      }));
    }),
  );
}

/** Files a kustomization names (resources, component directories, patches) that do not exist. */
export function missingKustomizeFiles(): string[] {
  return kustomizations().flatMap((dir) => {
    const { resources = [], components = [], patches = [] } = readKustomization(dir);
    const named = [...resources, ...patches.flatMap((patch) => (patch.path ? [patch.path] : []))];
    return [
      ...named.filter((file) => !exists(join(dir, file))),
      ...components.filter((component) => !exists(join(dir, component, 'kustomization.yaml'))),
    ].map((file) => relative(ROOT, join(dirname(join(dir, 'kustomization.yaml')), file)));
  });
}

function exists(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The kustomize component's JSON patches, as parsed YAML. */
export function componentPatch(component: string, file: string): unknown {
  return parseAllDocuments(readFileSync(join(KUSTOMIZE_BASE, 'components', component, file), 'utf8'))[0]?.toJSON();
}
