import { startEmulator, type Emulator } from '../emulator/emulator';
import { loadSeed } from '../emulator/seed';
import { LOCAL_API_KEY } from '../../src/http/auth/api-keys';
import { freePort, spawnGatewayProcess, waitForOutput } from '../helpers/gateway-process';

// The README's promise: copy .env.example to .env, start the emulator, and the gateway runs. The
// file is read as `npm start` reads .env (Node's env-file option), with only the ports moved so that
// the test can run beside anything else.
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ seed: loadSeed() });
});
afterAll(() => emulator.close());

it('.env.example, as it is, runs the gateway against the emulator and the local key registers a cluster', async () => {
  const port = await freePort();
  const gateway = spawnGatewayProcess({ PORT: String(port), AWS_ENDPOINT_URL: emulator.url }, port, [
    '--env-file-if-exists=.env.example',
  ]);
  try {
    await waitForOutput(gateway, 'gateway listening');

    const res = await fetch(`${gateway.url}/namespaces/registrations`, {
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
    gateway.child.kill('SIGTERM');
    await gateway.exited;
  }
});
