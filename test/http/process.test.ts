import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { testEnv } from '../helpers/config';

// The real entry point, as `npm start` runs it (through tsx, so no build is needed first).
function startGateway(env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, output: () => ({ stdout, stderr }) };
}

describe('the gateway process', () => {
  it('with a bad variable, exits 1 printing one line that names it', async () => {
    const { child, output } = startGateway(testEnv({ REDSHIFT_ROLE_DURATION_SECONDS: 'soon' }));

    const [code] = (await once(child, 'exit')) as [number];

    expect(code).toBe(1);
    const { stderr } = output();
    const configLines = stderr.split('\n').filter((line) => line.includes('configuration'));
    expect(configLines).toEqual(['invalid configuration: REDSHIFT_ROLE_DURATION_SECONDS must be a whole number']);
    expect(stderr).not.toMatch(/^\s+at /m);
  }, 20_000);

  it('with a good configuration, listens, and exits 0 on SIGTERM', async () => {
    const { child, output } = startGateway(testEnv({ PORT: '0', HOST: '127.0.0.1' }));

    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line: ${JSON.stringify(output())}`)), 15_000);
      child.stdout.on('data', () => {
        if (output().stdout.includes('gateway listening')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number];

    expect(code).toBe(0);
  }, 20_000);
});
