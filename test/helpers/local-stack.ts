import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../../src/config';
import type { AuditEvent } from '../../src/domain/audit';
import { createGateway, type Gateway } from '../../src/gateway';
import { createHttpServer } from '../../src/http/server';
import { createLogger } from '../../src/logger';
import { startEmulator, type Emulator } from '../emulator/emulator';
import type { Faults } from '../emulator/faults';
import { emulatorEnv, useEmulatorBaseCredentials } from '../emulator/gateway-env';
import { loadSeed } from '../emulator/seed';
import { testEnv } from './config';
import { LogCapture } from './log-capture';
import { registerLogSource, registerSecret } from './log-hygiene';

export interface LocalStack {
  /** Base URL of the gateway. */
  url: string;
  emulator: Emulator;
  gateway: Gateway;
  logs: LogCapture;
  /** The audit events written so far to the gateway's audit file. */
  audit(): AuditEvent[];
  close(): Promise<void>;
}

export const seed = loadSeed();

/**
 * The production gateway (createGateway, as main.ts builds it) listening on an ephemeral loopback
 * port, with the real SDK talking real HTTP to the emulator. Base credentials come from the SDK's
 * default chain, here the environment, as they would in a deployment.
 */
export async function startLocalStack(
  overrides: Record<string, string> = {},
  faults: Partial<Faults> = {},
): Promise<LocalStack> {
  const emulator = await startEmulator({ seed, faults });
  useEmulatorBaseCredentials(seed);
  const auditFile = `${mkdtempSync(`${tmpdir()}/gateway-audit-`)}/audit.log`;
  let config: Config;
  try {
    config = loadConfig(
      testEnv({
        ...emulatorEnv(emulator.url, seed),
        // These tests load the upstream path on purpose; the rate limit has tests of its own.
        RATE_LIMIT_PER_MINUTE: '100000',
        AUDIT_LOG_FILE: auditFile,
        ...overrides,
      }),
    );
  } catch (error) {
    await emulator.close();
    throw error;
  }
  const logs = new LogCapture();
  registerSecret(seed.baseCredentials[0]?.secretAccessKey ?? '');
  const gateway = createGateway(config, createLogger('info', logs));
  const server: Server = createHttpServer(gateway.app, config.server).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const audit = () =>
    existsSync(auditFile)
      ? readFileSync(auditFile, 'utf8')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as AuditEvent)
      : [];
  registerLogSource(() => JSON.stringify(audit()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    emulator,
    gateway,
    logs,
    audit,
    async close() {
      emulator.issuedSecrets().forEach(registerSecret);
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
      gateway.destroy();
      await emulator.close();
    },
  };
}
