import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// What is running: the package's version, and the commit it was built from. `npm run build` writes
// dist/build-info.json (the commit from GIT_COMMIT, as the image build passes it, or from git);
// a run from the sources (tsx) has none and says `unknown`.

const ROOT = join(__dirname, '..');

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** This package's version (semver, CHANGELOG.md). */
export const GATEWAY_VERSION: string = readJson<{ version: string }>(join(ROOT, 'package.json'))!.version;

/** The git commit of the build, or `unknown`. */
export const GATEWAY_COMMIT: string =
  readJson<{ commit?: string }>(join(__dirname, 'build-info.json'))?.commit ?? 'unknown';
