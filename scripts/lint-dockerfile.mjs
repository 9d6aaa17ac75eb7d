// `npm run lint:dockerfile`: dockerfile-utils (the linter of the VS Code Docker extension) exits 0 even
// when it reports problems; this fails on any report.
import { spawnSync } from 'node:child_process';

const lint = spawnSync('npx', ['dockerfile-utils', 'lint', 'Dockerfile'], { encoding: 'utf8' });
const report = `${lint.stdout}${lint.stderr}`.trim();
if (lint.status !== 0 || report !== '') {
  process.stderr.write(`${report || `dockerfile-utils exited ${lint.status}`}\n`);
  process.exit(1);
}
