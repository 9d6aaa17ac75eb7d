import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { Emulator } from '../emulator/emulator';
import { emulatorEnv } from '../emulator/gateway-env';
import { loadSeed } from '../emulator/seed';
import { testEnv } from './config';

const seed = loadSeed();

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface GatewayProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  output(): { stdout: string; stderr: string };
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/**
 * The real entry point (src/main.ts, through tsx so no build is needed) as its own process,
 * configured only from the environment; pointed at `emulator` when one is given.
 */
export async function startGatewayProcess(
  overrides: Record<string, string | undefined> = {},
  emulator?: Emulator,
  nodeOptions: string[] = [],
): Promise<GatewayProcess> {
  const port = await freePort();
  const awsEnv = emulator ? emulatorEnv(emulator.url, seed) : {};
  return spawnGatewayProcess(
    testEnv({ PORT: String(port), HOST: '127.0.0.1', ...awsEnv, ...overrides }),
    port,
    nodeOptions,
  );
}

/** The real entry point with exactly `env` (and PATH), listening on `port`; `cwd` the repository's unless given. */
export function spawnGatewayProcess(
  env: Record<string, string | undefined>,
  port: number,
  nodeOptions: string[] = [],
  cwd = `${__dirname}/../..`,
): GatewayProcess {
  const child = spawn(process.execPath, [...nodeOptions, '--import', 'tsx', `${__dirname}/../../src/main.ts`], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, url: `http://127.0.0.1:${port}`, output: () => ({ stdout, stderr }), exited };
}

/** Waits until the process has logged `text`, or fails after `ms`. */
export async function waitForOutput(gateway: GatewayProcess, text: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!gateway.output().stdout.includes(text)) {
    if (Date.now() > deadline)
      throw new Error(`no '${text}' in:\n${gateway.output().stdout}\n${gateway.output().stderr}`);
    if (gateway.child.exitCode !== null)
      throw new Error(`exited ${gateway.child.exitCode}:\n${gateway.output().stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
