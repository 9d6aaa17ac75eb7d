import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { startEmulator, type Emulator } from '../emulator/emulator';
import { loadSeed } from '../emulator/seed';
import { LOCAL_API_KEY } from '../../src/config/variables';
import { freePort } from '../helpers/gateway-process';

// The README's promise: copy .env.example to .env, start the emulator, and the gateway runs. The
// file is read as `npm start` reads .env (Node's env-file option), with only the ports moved so that
// the test can run beside anything else.
const ROOT = `${__dirname}/../..`;
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ seed: loadSeed() });
});
afterAll(() => emulator.close());

it('.env.example, as it is, runs the gateway against the emulator and the local key registers a cluster', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--env-file-if-exists=.env.example', '--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, PORT: String(port), AWS_ENDPOINT_URL: emulator.url },
    stdio: 'pipe',
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const deadline = Date.now() + 15_000;
    while (!output.includes('gateway listening')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the gateway did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }

    const res = await fetch(`http://127.0.0.1:${port}/namespaces/registrations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${LOCAL_API_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        NamespaceIdentifier: { ProvisionedIdentifier: { ClusterIdentifier: 'analytics-prod' } },
        ConsumerIdentifiers: ['DataCatalog/111122223333'],
      }),
    });

    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ Status: 'Registering' });
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});
