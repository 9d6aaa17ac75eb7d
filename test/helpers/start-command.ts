import { readFileSync } from 'node:fs';

/**
 * The production command, as `npm start` runs it: `node <flags> dist/main.js`. The image (its flags in
 * NODE_OPTIONS, checked by the Dockerfile test), the benchmark and the reliability suite start the
 * gateway with these same flags: the heap budget. (`--env-file-if-exists=.env` is left out: it is
 * where a developer's settings come from, not how the gateway runs.)
 */
export function productionStart(): { nodeFlags: string[]; entry: string } {
  const { scripts } = JSON.parse(readFileSync(`${__dirname}/../../package.json`, 'utf8')) as {
    scripts: { start: string };
  };
  const [node, ...rest] = scripts.start.split(/\s+/);
  const entry = rest.pop();
  if (node !== 'node' || entry === undefined) throw new Error(`unexpected start script '${scripts.start}'`);
  return { nodeFlags: rest.filter((flag) => !flag.startsWith('--env-file')), entry };
}
