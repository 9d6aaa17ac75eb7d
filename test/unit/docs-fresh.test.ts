import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

// Like the Postman check: the tables a user reads (.env.example, the configuration reference, the
// error table, the metrics list) are generated from the code's single sources, and a stale page fails
// here. The check runs as its own process because Prettier, which formats the pages, is an ES module
// that Jest's module system cannot load.
it('the generated documentation is fresh (npm run docs:generate)', () => {
  const check = spawnSync(process.execPath, ['--import', 'tsx', 'test/docs/generate.ts', '--check'], {
    cwd: `${__dirname}/../..`,
    encoding: 'utf8',
  });

  expect(check.stderr).toBe('');
  expect(check.status).toBe(0);
});

it('docs/development.md names every npm script', () => {
  const { scripts } = JSON.parse(readFileSync(`${__dirname}/../../package.json`, 'utf8')) as {
    scripts: Record<string, string>;
  };
  const page = readFileSync(`${__dirname}/../../docs/development.md`, 'utf8');
  // `npm test`, `npm run bench`, or a short form in a row of its family (`bench:machine-node`).
  const named = (name: string) =>
    [`npm ${name}\``, `npm run ${name}`, `\`${name}\``].some((form) => page.includes(form));
  const hooks = /^(pre|post)/;

  expect(Object.keys(scripts).filter((name) => !hooks.test(name) && !named(name))).toEqual([]);
});
