// `npm run local`: the emulator and the gateway on loopback, a development key, and a curl line.
// The gateway runs as its own process, configured only from the environment, exactly as `npm start`.
import { spawn } from 'node:child_process';
import { PinoPretty } from 'pino-pretty';
import { startEmulator } from './emulator';
import { faultsFromEnvironment } from './faults';
import { LOCAL_API_KEY } from '../../src/http/auth/api-keys';
import { AUTH_SETTINGS } from '../../src/http/auth/settings';
import { emulatorEnv } from './gateway-env';
import { loadSeed } from './seed';

async function main(): Promise<void> {
  const gatewayPort = Number(process.env.PORT ?? 8080);
  const emulatorPort = Number(process.env.EMULATOR_PORT ?? 4599);
  const seed = loadSeed(process.env.EMULATOR_SEED);
  const faults = faultsFromEnvironment(process.env);
  const emulator = await startEmulator({ seed, port: emulatorPort, faults });

  const gateway = spawn(process.execPath, ['--import', 'tsx', `${__dirname}/../../src/main.ts`], {
    env: {
      PATH: process.env.PATH,
      PORT: String(gatewayPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      ...emulatorEnv(emulator.url, seed),
      // The development key, policy and second target of .env.example.
      API_KEYS: AUTH_SETTINGS.variables.API_KEYS.local,
      AUTHZ_POLICY_FILE: process.env.AUTHZ_POLICY_FILE ?? `${__dirname}/local-policy.yaml`,
      TARGETS_FILE: process.env.TARGETS_FILE ?? `${__dirname}/local-targets.yaml`,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // PinoPretty writes to stdout itself.
  gateway.stdout.pipe(
    PinoPretty({
      colorize: process.stdout.isTTY,
      ignore: 'pid,hostname,service,req,res',
      messageFormat: '{msg}{if req.method} {req.method} {req.url} -> {res.statusCode}{end}',
    }),
  );

  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    gateway.kill('SIGTERM');
    gateway.once('exit', () => {
      void emulator.close().then(() => process.exit(code));
    });
  };
  process.once('SIGINT', () => stop(0));
  process.once('SIGTERM', () => stop(0));
  gateway.once('exit', (code) => {
    if (stopping) return;
    process.stderr.write(`the gateway exited (${code}); stopping the emulator\n`);
    stopping = true;
    void emulator.close().then(() => process.exit(code ?? 1));
  });

  await new Promise<void>((resolve) => {
    const onData = (chunk: Buffer) => {
      if (!chunk.toString().includes('gateway listening')) return;
      gateway.stdout.off('data', onData);
      resolve();
    };
    gateway.stdout.on('data', onData);
  });

  const url = `http://127.0.0.1:${gatewayPort}`;
  const body = JSON.stringify({
    NamespaceIdentifier: { ProvisionedIdentifier: { ClusterIdentifier: seed.resources[0]?.clusters[0]?.identifier } },
    ConsumerIdentifiers: [`DataCatalog/${seed.accountId}`],
  });
  process.stdout.write(
    [
      '',
      `Gateway:   ${url}`,
      `Emulator:  ${emulator.url}  (control API: ${emulator.url}/_emulator/calls, /_emulator/faults)`,
      `API key:   ${LOCAL_API_KEY}`,
      '',
      'Register a cluster of the seed:',
      `  curl -i ${url}/namespaces/registrations -H 'Authorization: Bearer ${LOCAL_API_KEY}' \\`,
      `    -H 'Content-Type: application/json' -d '${body}'`,
      '',
      'The same, waiting until it shows (200 with the status document):',
      `  curl -i ${url}/namespaces/registrations -H 'Prefer: wait=30' -H 'Authorization: Bearer ${LOCAL_API_KEY}' \\`,
      `    -H 'Content-Type: application/json' -d '${body}'`,
      '',
      'Its status (the Location of the 202):',
      `  curl -s '${url}/namespaces/registrations/status?ClusterIdentifier=${seed.resources[0]?.clusters[0]?.identifier}&ConsumerIdentifier=DataCatalog/${seed.accountId}&target=default' -H 'Authorization: Bearer ${LOCAL_API_KEY}'`,
      '',
      `The same cluster name in the second target (account ${seed.resources[1]?.accountId}, ${seed.resources[1]?.region}):`,
      `  curl -i '${url}/namespaces/registrations?target=eu-analytics' -H 'Authorization: Bearer ${LOCAL_API_KEY}' \\`,
      `    -H 'Content-Type: application/json' -d '${body}'`,
      '',
      'Ctrl-C stops both.',
      '',
    ].join('\n'),
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`npm run local failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
