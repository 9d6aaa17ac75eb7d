import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { freePort } from '../helpers/gateway-process';
import { testEnv } from '../helpers/config';
import { PAGE_ASSETS } from '../../src/http/docs';
import { productionStart } from '../helpers/start-command';

// No Docker engine runs here, so this test reads the Dockerfile and performs its steps outside a
// container: the production-only install, the build, the start as a non-root user, the health check.
const root = `${__dirname}/../..`;
const dockerfile = readFileSync(`${root}/Dockerfile`, 'utf8');
const { nodeFlags, entry } = productionStart();

interface Instruction {
  keyword: string;
  args: string;
}
const instructions: Instruction[] = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'))
  .map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
const stages = instructions.reduce<Instruction[][]>((all, instruction) => {
  if (instruction.keyword === 'FROM') all.push([]);
  all.at(-1)?.push(instruction);
  return all;
}, []);
const runtime = stages.at(-1) ?? [];
const argsOf = (keyword: string) => runtime.filter((i) => i.keyword === keyword).map((i) => i.args);

describe('the Dockerfile', () => {
  it('is two stages on a pinned Node.js LTS image, the last one lean, non-root and health-checked', () => {
    expect(stages).toHaveLength(2);
    for (const stage of stages) expect(stage[0]?.args).toMatch(/^node:(2[02468])\.\d+\.\d+-[a-z]+-slim\b/);
    expect(argsOf('RUN').join(' ')).toMatch(/npm ci --omit=dev/);
    // swagger-ui-dist is trimmed to what /docs serves.
    for (const asset of PAGE_ASSETS) expect(argsOf('RUN').join(' ')).toContain(`! -name ${asset}`);
    expect(argsOf('COPY')).toEqual([
      'package.json package-lock.json ./',
      '--from=build /app/dist ./dist',
      'openapi/gateway.yaml ./openapi/gateway.yaml',
    ]);
    expect(argsOf('USER')).toEqual(['node']);
    expect(argsOf('HEALTHCHECK').join(' ')).toContain('/livez');
    // The image runs what `npm start` runs: its node flags through NODE_OPTIONS, so that an operator can
    // change them with an environment variable.
    expect(argsOf('ENV')).toContain(`NODE_OPTIONS="${nodeFlags.join(' ')}"`);
    expect(argsOf('CMD')).toEqual([`["node", "${entry}"]`]);
    expect(readFileSync(`${root}/.dockerignore`, 'utf8')).toMatch(/^node_modules$/m);
  });

  it("labels the image with the package's version and the commit given as GIT_COMMIT (OCI annotations)", () => {
    const { version } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string };
    const labels = argsOf('LABEL').join(' ');

    expect(labels).toContain(`org.opencontainers.image.version="${version}"`);
    expect(labels).toContain('org.opencontainers.image.revision="${GIT_COMMIT}"');
    expect(argsOf('ARG')).toEqual(['GIT_COMMIT=unknown']);
    expect(stages[0]?.filter((i) => i.keyword === 'ARG').map((i) => i.args)).toEqual(['GIT_COMMIT=unknown']);
  });

  it('its steps, performed outside a container, give a server that starts as a non-root user and passes the health check', async () => {
    const app = mkdtempSync(`${tmpdir()}/gateway-image-`);
    // COPY package.json package-lock.json ./ ; RUN npm ci --omit=dev (from the npm cache where it can)
    copyFileSync(`${root}/package.json`, `${app}/package.json`);
    copyFileSync(`${root}/package-lock.json`, `${app}/package-lock.json`);
    execFileSync('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
      cwd: app,
      stdio: 'ignore',
    });
    // The build stage's `npm run build`, written to the image's dist/ (COPY --from=build /app/dist ./dist)
    execFileSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', `${root}/tsconfig.json`, '--outDir', `${app}/dist`],
      {
        stdio: 'ignore',
      },
    );
    // COPY openapi/gateway.yaml ./openapi/gateway.yaml
    mkdirSync(`${app}/openapi`);
    copyFileSync(`${root}/openapi/gateway.yaml`, `${app}/openapi/gateway.yaml`);
    chmodSync(app, 0o755);

    expect(() =>
      execFileSync('node', ['-e', "require.resolve('typescript')"], { cwd: app, stdio: 'ignore' }),
    ).toThrow();

    // USER node ; ENV NODE_OPTIONS ; CMD ["node", "dist/main.js"]: as root here, drop to nobody as the
    // image drops to node.
    const port = await freePort();
    const asNonRoot =
      process.getuid?.() === 0 ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--'] : [];
    const env = {
      PATH: process.env.PATH,
      NODE_OPTIONS: nodeFlags.join(' '),
      ...testEnv({ PORT: String(port), HOST: '127.0.0.1' }),
    };
    const [command = 'node', ...args] = [...asNonRoot, 'node', entry];
    const server = spawn(command, args, { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      while (!output.includes('gateway listening')) {
        if (server.exitCode !== null) throw new Error(`the server exited: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const uid = execFileSync('ps', ['-o', 'uid=', '-p', String(server.pid)])
        .toString()
        .trim();
      expect(uid).not.toBe('0');

      // HEALTHCHECK CMD ["node", "-e", "…"]
      const healthcheck = JSON.parse(argsOf('HEALTHCHECK')[0]!.replace(/^.*?CMD\s+/, '')) as string[];
      const check = spawn(healthcheck[0]!, healthcheck.slice(1), { env: { ...env }, stdio: 'ignore' });
      const [code] = (await once(check, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      server.kill('SIGTERM');
    }
  }, 180_000);
});
