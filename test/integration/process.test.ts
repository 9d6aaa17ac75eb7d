import { startGatewayProcess, waitForOutput } from '../helpers/gateway-process';

describe('the gateway process', () => {
  it('with a bad variable, exits 1 printing one line that names it', async () => {
    const gateway = await startGatewayProcess({ REDSHIFT_ROLE_DURATION_SECONDS: 'soon' });

    expect(await gateway.exited).toBe(1);
    const { stderr } = gateway.output();
    const configLines = stderr.split('\n').filter((line) => line.includes('configuration'));
    expect(configLines).toEqual([
      'invalid configuration (1 problem): REDSHIFT_ROLE_DURATION_SECONDS must be a whole number',
    ]);
    expect(stderr).not.toMatch(/^\s+at /m);
  }, 20_000);

  it('with a good configuration, listens, and exits 0 on SIGTERM', async () => {
    const gateway = await startGatewayProcess();
    await waitForOutput(gateway, 'gateway listening');

    gateway.child.kill('SIGTERM');

    expect(await gateway.exited).toBe(0);
  }, 20_000);
});
