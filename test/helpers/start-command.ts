import { readFileSync } from 'node:fs';

/**
 * The production command, as `npm start` runs it: `node <flags> dist/main.js`. The image (its flags in
 * NODE_OPTIONS, checked by the Dockerfile test), the benchmark and the reliability suite start the
 * gateway with these same flags: the heap budget.
 */
export function productionStart(): { nodeFlags: string[]; entry: string } {
  const { scripts } = JSON.parse(readFileSync(`${__dirname}/../../package.json`, 'utf8')) as {
    scripts: { start: string };
  };
  const [node, ...rest] = scripts.start.split(/\s+/);
  const entry = rest.pop();
  if (node !== 'node' || entry === undefined) throw new Error(`unexpected start script '${scripts.start}'`);
  return { nodeFlags: rest, entry };
}
