import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { provisionedBody } from '../helpers/bodies';
import { freePort } from '../helpers/gateway-process';

describe('npm run local', () => {
  it('starts emulator and gateway, prints a key and a curl line that registers a cluster, and stops both on Ctrl-C', async () => {
    const [gatewayPort, emulatorPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/emulator/local.ts'], {
      env: { PATH: process.env.PATH, PORT: String(gatewayPort), EMULATOR_PORT: String(emulatorPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner:\n${output}`)), 20_000);
      child.stdout.on('data', () => {
        if (output.includes('Ctrl-C stops both')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });

    const key = /API key:\s+(\S+)/.exec(output)?.[1];
    const curl = /curl -i (\S+) -H 'Authorization: Bearer (\S+)'/.exec(output);
    expect(curl?.[1]).toBe(`http://127.0.0.1:${gatewayPort}/namespaces/registrations`);
    expect(curl?.[2]).toBe(key);
    const res = await fetch(curl![1]!, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(provisionedBody('analytics-prod')),
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ Status: 'Registering' });

    // The second curl line: the same cluster name in the emulator's second account and region.
    const second = /curl -i '(\S+\?target=eu-analytics)' -H 'Authorization: Bearer (\S+)'/.exec(output);
    expect(second?.[1]).toBe(`http://127.0.0.1:${gatewayPort}/namespaces/registrations?target=eu-analytics`);
    const inSecond = await fetch(second![1]!, {
      method: 'POST',
      headers: { Authorization: `Bearer ${second![2]}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(provisionedBody('analytics-prod')),
    });
    expect(inSecond.status).toBe(202);
    const calls = (await (await fetch(`http://127.0.0.1:${emulatorPort}/_emulator/calls`)).json()) as {
      action: string;
      account: string;
      region: string;
    }[];
    expect(
      calls.filter((call) => call.action === 'RegisterNamespace').map(({ account, region }) => [account, region]),
    ).toEqual([
      ['111122223333', 'us-east-1'],
      ['444455556666', 'eu-west-1'],
    ]);

    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
    await expect(fetch(`http://127.0.0.1:${emulatorPort}/_emulator/calls`)).rejects.toThrow();
    await expect(fetch(curl![1]!)).rejects.toThrow();
  }, 40_000);
});
