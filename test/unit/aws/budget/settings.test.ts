import { loadConfig } from '../../../../src/config';
import { testEnv } from '../../../helpers/config';

const noFiles = (path: string): string => {
  throw Object.assign(new Error(`no file ${path}`), { code: 'ENOENT' });
};

describe('the AWS API budget settings', () => {
  it('are off unless a rate is set', () => {
    expect(loadConfig(testEnv(), noFiles).budget).toEqual({
      writes: undefined,
      reads: undefined,
      replicas: 1,
      maxWaiting: 1000,
    });
  });

  it('take decimal rates, bursts, the replicas expected and the bound on waiting calls', () => {
    const { budget } = loadConfig(
      testEnv({
        UPSTREAM_BUDGET_WRITES_PER_SECOND: '2.5',
        UPSTREAM_BUDGET_WRITE_BURST: '3',
        UPSTREAM_BUDGET_READS_PER_SECOND: '20',
        UPSTREAM_BUDGET_REPLICAS: '4',
        UPSTREAM_BUDGET_MAX_WAITING: '50',
      }),
      noFiles,
    );

    expect(budget).toEqual({
      writes: { ratePerSecond: 2.5, burst: 3 },
      reads: { ratePerSecond: 20, burst: 1 },
      replicas: 4,
      maxWaiting: 50,
    });
  });

  it.each([
    ['UPSTREAM_BUDGET_WRITES_PER_SECOND', 'ten', 'must be a number such as 10 or 2.5'],
    ['UPSTREAM_BUDGET_WRITES_PER_SECOND', '0', 'must be at least 0.01'],
    ['UPSTREAM_BUDGET_READ_BURST', '0', 'must be at least 1'],
    ['UPSTREAM_BUDGET_REPLICAS', '1001', 'must be at most 1000'],
  ])('refuses %s=%s', (name, value, message) => {
    expect(() => loadConfig(testEnv({ [name]: value }), noFiles)).toThrow(`${name} ${message}`);
  });
});
