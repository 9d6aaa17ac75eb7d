// Run by `npm run build`: records the commit the build came from in dist/build-info.json, which
// /livez, the gateway_build_info metric and the start-up log report. The image build has no .git and
// passes the commit as the GIT_COMMIT build argument.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

const commit = process.env.GIT_COMMIT || gitCommit() || 'unknown';
const target = process.argv[2] ?? new URL('../dist/build-info.json', import.meta.url);
writeFileSync(target, `${JSON.stringify({ commit })}\n`);
