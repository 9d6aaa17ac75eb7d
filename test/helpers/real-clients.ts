import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { createAwsClients } from '../../src/aws/clients';
import { buildTestApp } from './app';
import { testConfig } from './config';
import { startFakeRedshift } from './fake-redshift-server';

/**
 * The real AWS clients of main.ts, with STS stubbed (aws-sdk-client-mock) and Redshift a loopback
 * stand-in: everything from the HTTP request to the signed Redshift call and back is the production
 * code path. Registers its own hooks; call at the top of a test file.
 */
export function realClientsAgainstFakeRedshift() {
  const sts = mockClient(STSClient);
  let redshift: Awaited<ReturnType<typeof startFakeRedshift>> | undefined;

  beforeAll(async () => {
    redshift = await startFakeRedshift();
  });
  afterAll(() => redshift?.close());
  beforeEach(() => {
    sts.reset();
    redshift!.calls.length = 0;
    redshift!.answerWith((_call, res) => {
      res
        .writeHead(200, { 'Content-Type': 'text/xml' })
        .end(
          '<RegisterNamespaceResponse xmlns="http://redshift.amazonaws.com/doc/2012-12-01/"><RegisterNamespaceResult>' +
            '<Status>Registering</Status></RegisterNamespaceResult></RegisterNamespaceResponse>',
        );
    });
  });

  return {
    sts,
    get redshift() {
      if (redshift === undefined) throw new Error('the Redshift stand-in starts in beforeAll');
      return redshift;
    },
    /** What STS answers an AssumeRole with: credentials valid for an hour. */
    assumedRole(accessKeyId = 'ASIAASSUMED0001') {
      return {
        Credentials: {
          AccessKeyId: accessKeyId,
          SecretAccessKey: 'assumed-secret',
          SessionToken: 'assumed-session-token',
          Expiration: new Date(Date.now() + 3600_000),
        },
      };
    },
    /** The app with the production AWS clients pointed at the stand-in. */
    gateway(overrides: Record<string, string> = {}) {
      const config = testConfig({ AWS_ENDPOINT_URL_REDSHIFT: redshift!.url, UPSTREAM_MAX_ATTEMPTS: '2', ...overrides });
      const { redshift: client, role } = createAwsClients(config.aws.targets[0]!, config.aws, config.upstream);
      return buildTestApp({ config, client, role });
    },
  };
}
