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
