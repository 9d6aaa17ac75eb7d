// `npm run emulator`: the emulator alone, on EMULATOR_PORT (default 4599), with EMULATOR_FAULTS
// (JSON) injected from the start and EMULATOR_SEED naming another seed. Stops on SIGINT or SIGTERM.
import { faultsSchema, startEmulator } from './emulator';
import { loadSeed } from './seed';

async function main(): Promise<void> {
  const emulator = await startEmulator({
    seed: loadSeed(process.env.EMULATOR_SEED),
    port: Number(process.env.EMULATOR_PORT ?? 4599),
    faults: faultsSchema.parse(JSON.parse(process.env.EMULATOR_FAULTS ?? '{}')),
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
