import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { freePort } from '../helpers/gateway-process';

// The CLI run as a user would: its own process, against `npm run local` (the gateway and the emulator
// as a newcomer starts them), over HTTP with the development key, a file of three namespaces.

const ROOT = `${__dirname}/../..`;
const FILE = (euConsumer: string) => `
namespaces:
  - NamespaceIdentifier:
      ProvisionedIdentifier: { ClusterIdentifier: analytics-prod }
    ConsumerIdentifiers: [DataCatalog/111111111111, DataCatalog/222222222222]
    Prune: true
  - NamespaceIdentifier:
      ServerlessIdentifier: { NamespaceIdentifier: sales-ns, WorkgroupIdentifier: sales-wg }
    ConsumerIdentifiers: [DataCatalog/333333333333]
  - target: eu-analytics
    NamespaceIdentifier:
      ProvisionedIdentifier: { ClusterIdentifier: analytics-prod }
    ConsumerIdentifiers: [${euConsumer}]
`;

let local: ChildProcess;
let gatewayUrl = '';
let emulatorUrl = '';
const dir = mkdtempSync(`${tmpdir()}/gateway-cli-`);

beforeAll(async () => {
  const [gatewayPort, emulatorPort] = [await freePort(), await freePort()];
  gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  local = spawn(process.execPath, ['--import', 'tsx', 'test/emulator/local.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      PORT: String(gatewayPort),
      EMULATOR_PORT: String(emulatorPort),
      EMULATOR_REGISTRATION_DELAY_MS: '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  local.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  for (let i = 0; i < 200 && !output.includes('Ctrl-C stops both'); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!output.includes('Ctrl-C stops both')) throw new Error(`npm run local did not start:\n${output}`);
}, 30_000);
afterAll(async () => {
  local.kill('SIGINT');
  await once(local, 'exit');
});

function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      REDSHIFT_GATEWAY_URL: gatewayUrl,
      REDSHIFT_GATEWAY_API_KEY: 'local-dev-key',
      ...env,
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
function file(name: string, text: string): string {
  writeFileSync(`${dir}/${name}`, text);
  return `${dir}/${name}`;
}

describe('the redshift-namespaces CLI against npm run local', () => {
  it('plans, applies, and then plans no change for a three-namespace file; plain text when piped', () => {
    const path = file('namespaces.yaml', FILE('DataCatalog/444444444444'));

    const plan = cli(['plan', '-f', path]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(
      'default: cluster analytics-prod\n  + DataCatalog/111111111111  register, will change',
    );
    expect(plan.stdout).toContain(
      'eu-analytics: cluster analytics-prod\n  + DataCatalog/444444444444  register, will change',
    );
    expect(plan.stdout).toContain('Plan: 4 to add, 0 to remove, 0 unchanged, in 3 namespaces; 0 failed.');
    expect(plan.stdout).not.toContain('\u001b[');

    const apply = cli(['apply', '-f', path]);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('Applied: 4 to add, 0 to remove, 0 unchanged, in 3 namespaces; 0 failed.');

    const again = cli(['plan', '-f', path]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Plan: 0 to add, 0 to remove, 4 unchanged, in 3 namespaces; 0 failed.');
  }, 60_000);

  it('exits 1 when a change fails at AWS, says which in text and in --output json, and applies the rest', async () => {
    // Redshift refuses registrations in eu-west-1 (the eu-analytics target) from now on.
    await fetch(`${emulatorUrl}/_emulator/faults`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        errors: [
          {
            service: 'redshift',
            action: 'RegisterNamespace',
            region: 'eu-west-1',
            code: 'InvalidParameterValue',
            status: 400,
            message: 'The consumer is not allowed.',
          },
        ],
      }),
    });
    const path = file('failing.yaml', FILE('DataCatalog/555555555555'));

    const text = cli(['apply', '-f', path]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      /eu-analytics: cluster analytics-prod\n {2}\+ DataCatalog\/555555555555 {2}register, FAILED — 400 Rejected by Redshift: .*The consumer is not allowed/,
    );
    expect(text.stdout).toContain('; 1 failed.');

    const json = cli(['apply', '-f', path, '--output', 'json']);
    expect(json.code).toBe(1);
    const answers = JSON.parse(json.stdout) as { ok: boolean; status: number; entry: { target?: string } }[];
    expect(answers.map((answer) => [answer.entry.target ?? 'default', answer.status, answer.ok])).toEqual([
      ['default', 200, true],
      ['default', 200, true],
      ['eu-analytics', 207, false],
    ]);
  }, 60_000);

  it('exits 2 on a file that breaks its schema, naming the place, with no request made', () => {
    const path = file(
      'bad.yaml',
      'namespaces:\n  - NamespaceIdentifier: { ProvisionedIdentifier: { ClusterIdentifier: analytics-prod } }\n    ConsumerIdentifiers: [DataCatalog/1]\n    Purge: true\n',
    );

    const result = cli(['apply', '-f', path]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("/namespaces/0 must NOT have additional properties 'Purge'");
    expect(result.stderr).toContain('/namespaces/0/ConsumerIdentifiers/0 must match pattern');
  });

  it('exits 2 without a gateway URL or key, saying which', () => {
    const result = cli(['plan', '-f', 'x.yaml'], { REDSHIFT_GATEWAY_URL: '', REDSHIFT_GATEWAY_API_KEY: '' });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--url or REDSHIFT_GATEWAY_URL is required');
  });

  it('is the package’s bin, built with its shebang', () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { bin: Record<string, string> };

    expect(pkg.bin).toEqual({ 'redshift-namespaces': 'dist/cli/main.js' });
    expect(readFileSync(`${ROOT}/src/cli/main.ts`, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});
