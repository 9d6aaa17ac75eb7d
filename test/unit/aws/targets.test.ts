import { TARGET_NAME_PATTERN } from '../../../src/aws/targets-file';
import { loadContract } from '../../../src/http/contract';
import { testConfig } from '../../helpers/config';

// TARGETS_FILE: the accounts and regions one gateway reaches, beside the single-target variables.

const TARGETS = `
targets:
  prod-eu:
    accountId: '444455556666'
    region: eu-west-1
    roleArn: arn:aws:iam::444455556666:role/registrar
    externalId: prod-eu-external
  staging-us:
    accountId: '777788889999'
    region: us-west-2
    roleArn: arn:aws:iam::777788889999:role/registrar
    sessionName: gw-staging
    durationSeconds: 900
    redshiftEndpoint: http://127.0.0.1:4700
`;

const configError = (overrides: Record<string, string | undefined>, files: Record<string, string>) => {
  try {
    testConfig(overrides, files);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the configuration loaded');
};

describe('TARGETS_FILE', () => {
  it('alone: the file’s targets in its order, with the variables’ session, duration and endpoints where a target sets none', () => {
    const { aws } = testConfig(
      {
        REDSHIFT_ROLE_ARN: undefined,
        AWS_REGION: undefined,
        TARGETS_FILE: '/targets.yaml',
        REDSHIFT_ROLE_SESSION_NAME: 'gw',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:4599',
      },
      { '/targets.yaml': TARGETS },
    );

    expect(aws.targets).toEqual([
      {
        name: 'prod-eu',
        accountId: '444455556666',
        region: 'eu-west-1',
        roleArn: 'arn:aws:iam::444455556666:role/registrar',
        roleExternalId: 'prod-eu-external',
        roleSessionName: 'gw',
        roleDurationSeconds: 3600,
        redshiftEndpoint: 'http://127.0.0.1:4599',
        stsEndpoint: 'http://127.0.0.1:4599',
        serverlessEndpoint: 'http://127.0.0.1:4599',
      },
      {
        name: 'staging-us',
        accountId: '777788889999',
        region: 'us-west-2',
        roleArn: 'arn:aws:iam::777788889999:role/registrar',
        roleExternalId: undefined,
        roleSessionName: 'gw-staging',
        roleDurationSeconds: 900,
        redshiftEndpoint: 'http://127.0.0.1:4700',
        stsEndpoint: 'http://127.0.0.1:4599',
        serverlessEndpoint: 'http://127.0.0.1:4599',
      },
    ]);
  });

  it('beside the single-target variables: `default` first, then the file’s', () => {
    const { aws } = testConfig({ TARGETS_FILE: '/targets.yaml' }, { '/targets.yaml': TARGETS });

    expect(aws.targets.map((target) => [target.name, target.accountId, target.region])).toEqual([
      ['default', '111122223333', 'eu-west-1'],
      ['prod-eu', '444455556666', 'eu-west-1'],
      ['staging-us', '777788889999', 'us-west-2'],
    ]);
  });

  it('names every problem of the file at once, each with its place', () => {
    const file = `
targets:
  Prod_EU:
    accountId: '444455556666'
    region: eu-west-1
    roleArn: arn:aws:iam::444455556666:role/registrar
  wrong-account:
    accountId: '444455556666'
    region: eu-west-1
    roleArn: arn:aws:iam::111122223333:role/registrar
  no-region:
    accountId: '444455556666'
    roleArn: arn:aws:iam::444455556666:role/registrar
    duration: 900
`;
    const message = configError({ TARGETS_FILE: '/t.yaml' }, { '/t.yaml': file });

    expect(message).toContain('TARGETS_FILE (/t.yaml): targets.Prod_EU must be 1 to 63 lower-case letters');
    expect(message).toMatch(/^invalid configuration \(4 problems\): /);
    expect(message).toContain(
      'targets.wrong-account.roleArn is a role of account 111122223333, not of accountId 444455556666',
    );
    expect(message).toContain('targets.no-region.region is required');
    expect(message).toContain('targets.no-region Unrecognized key: "duration"');
  });

  it('checks each role against its account, and each region against the SDK’s', () => {
    const file = `
targets:
  wrong-account:
    accountId: '444455556666'
    region: eu-west-1
    roleArn: arn:aws:iam::111122223333:role/registrar
  misspelt-region:
    accountId: '444455556666'
    region: eu-wset-1
    roleArn: arn:aws:iam::444455556666:role/registrar
`;
    const message = configError({ TARGETS_FILE: '/t.yaml' }, { '/t.yaml': file });

    expect(message).toContain(
      'targets.wrong-account.roleArn is a role of account 111122223333, not of accountId 444455556666',
    );
  });

  it.each([
    [
      'a target the variables define already',
      'targets:\n  default:\n    accountId: "444455556666"\n    region: eu-west-1\n    roleArn: arn:aws:iam::444455556666:role/r\n',
      'targets.default is defined by REDSHIFT_ROLE_ARN already',
    ],
    ['no targets', 'targets: {}\n', 'must list at least one target'],
    ['text that is not YAML', 'targets: [\n', 'is not valid YAML or JSON'],
  ])('refuses %s', (_name, file, expected) => {
    expect(configError({ TARGETS_FILE: '/t.yaml' }, { '/t.yaml': file })).toContain(expected);
  });

  it('refuses a misspelt region of a target, with the nearest the SDK knows', () => {
    const file =
      'targets:\n  eu:\n    accountId: "444455556666"\n    region: eu-wset-1\n    roleArn: arn:aws:iam::444455556666:role/r\n';

    expect(configError({ TARGETS_FILE: '/t.yaml' }, { '/t.yaml': file })).toContain(
      "TARGETS_FILE (/t.yaml): targets.eu.region 'eu-wset-1' is not a region this AWS SDK knows; did you mean eu-west-1?",
    );
  });

  it('an unreadable file stops the start, naming the variable and the path', () => {
    expect(configError({ TARGETS_FILE: '/missing.yaml' }, {})).toContain(
      'TARGETS_FILE cannot be read: /missing.yaml (ENOENT)',
    );
  });

  it('without it, REDSHIFT_ROLE_ARN is required; with REDSHIFT_ROLE_ARN, AWS_REGION is', () => {
    expect(configError({ REDSHIFT_ROLE_ARN: undefined }, {})).toContain(
      'REDSHIFT_ROLE_ARN is required (such as arn:aws:iam::111122223333:role/name), or TARGETS_FILE naming the targets',
    );
    expect(configError({ AWS_REGION: undefined }, {})).toContain('AWS_REGION is required with REDSHIFT_ROLE_ARN');
  });

  it('target names have the form the contract’s `target` parameter has', () => {
    const contract = loadContract();
    const patterns = [
      ['POST', '/namespaces/registrations'],
      ['POST', '/namespaces/deregistrations'],
      ['GET', '/namespaces/registrations/status'],
    ].map(
      ([method, path]) =>
        (contract.parameterSchema(method!, path!, 'query', 'target') as { pattern?: string })?.pattern,
    );

    expect(patterns).toEqual([TARGET_NAME_PATTERN, TARGET_NAME_PATTERN, TARGET_NAME_PATTERN]);
  });
});
