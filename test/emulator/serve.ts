// `npm run emulator`: the emulator alone, on EMULATOR_HOST (default 127.0.0.1; compose.yaml listens on
// every address) and EMULATOR_PORT (default 4599), with EMULATOR_FAULTS
// (JSON) injected from the start, EMULATOR_REGISTRATION_DELAY_MS (default 2000) before a registration
// shows in the status, and EMULATOR_SEED naming another seed. Stops on SIGINT or SIGTERM.
import { startEmulator } from './emulator';
import { faultsFromEnvironment } from './faults';
import { loadSeed } from './seed';

async function main(): Promise<void> {
  const emulator = await startEmulator({
    seed: loadSeed(process.env.EMULATOR_SEED),
    port: Number(process.env.EMULATOR_PORT ?? 4599),
    host: process.env.EMULATOR_HOST ?? '127.0.0.1',
    faults: faultsFromEnvironment(process.env),
  });
  process.stdout.write(`emulator listening on ${emulator.url}\n`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
