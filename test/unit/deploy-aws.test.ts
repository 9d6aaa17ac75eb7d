import * as redshift from '@aws-sdk/client-redshift';
import * as redshiftServerless from '@aws-sdk/client-redshift-serverless';
import * as sts from '@aws-sdk/client-sts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubernetesManifests } from '../deploy/kubernetes-manifests';

// deploy/aws: the IAM policies a platform team applies. Every action must be one the AWS SDK knows,
// the registrar role must allow exactly what the gateway calls (least privilege, nothing missing),
// and the names that tie them to the Kubernetes manifests must agree.

const ROOT = join(__dirname, '..', '..');
const AWS_DIR = join(ROOT, 'deploy', 'aws');

interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: string | string[];
  Principal?: Record<string, string>;
  Condition?: Record<string, Record<string, string>>;
}
interface PolicyDocument {
  Version: string;
  Statement: Statement[];
}

const policy = (file: string) => JSON.parse(readFileSync(join(AWS_DIR, file), 'utf8')) as PolicyDocument;
const actionsOf = (document: PolicyDocument) =>
  document.Statement.flatMap((statement) => [statement.Action].flat()).sort();

// The SDK clients by IAM service prefix: an action exists when its client has a command of that name.
const CLIENTS: Record<string, Record<string, unknown>> = {
  redshift,
  'redshift-serverless': redshiftServerless,
  sts,
};
const PACKAGES: Record<string, string> = {
  '@aws-sdk/client-redshift': 'redshift',
  '@aws-sdk/client-redshift-serverless': 'redshift-serverless',
  '@aws-sdk/client-sts': 'sts',
};

/** `service:Action` for every command the gateway's AWS adapters send, read from their imports. */
function actionsTheGatewayCalls(service: string): string[] {
  const dir = join(ROOT, 'src', 'aws');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
  const actions = files.flatMap((file) => {
    const source = readFileSync(join(dir, file), 'utf8');
    return [...source.matchAll(/import\s*{([^}]*)}\s*from\s*'(@aws-sdk\/client-[a-z-]+)'/g)]
      .filter((match) => PACKAGES[match[2]!] === service)
      .flatMap((match) => match[1]!.split(',').map((name) => name.trim()))
      .filter((name) => name.endsWith('Command') && source.includes(`new ${name}(`))
      .map((name) => `${service}:${name.replace(/Command$/, '')}`);
  });
  return [...new Set(actions)].sort();
}

const files = readdirSync(AWS_DIR).filter((file) => file.endsWith('.json'));

describe('deploy/aws policies', () => {
  it.each(files)('%s is an IAM policy document whose actions the AWS SDK knows', (file) => {
    const document = policy(file);

    expect(document.Version).toBe('2012-10-17');
    for (const action of actionsOf(document)) {
      const [service = '', name = ''] = action.split(':');
      expect(`${action}: ${typeof CLIENTS[service]?.[`${name}Command`]}`).toBe(`${action}: function`);
    }
  });

  it('the registrar role allows exactly what the gateway calls on Redshift and Redshift Serverless', () => {
    const called = [...actionsTheGatewayCalls('redshift'), ...actionsTheGatewayCalls('redshift-serverless')].sort();

    expect(called).toContain('redshift:RegisterNamespace');
    expect(actionsOf(policy('registrar-role-permissions.json'))).toEqual(called);
  });

  it('the workload identity may only assume the registrar role, which trusts only it, with the external id', () => {
    const manifests = kubernetesManifests().map((m) => m.document) as unknown as {
      kind: string;
      metadata: { annotations?: Record<string, string> };
      spec?: { template?: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
    }[];
    const serviceAccount = manifests.find((m) => m.kind === 'ServiceAccount')!;
    const env = manifests.find((m) => m.kind === 'Deployment')!.spec!.template!.spec.containers[0]!.env;
    const value = (name: string) => env.find((variable) => variable.name === name)?.value;
    const [trust] = policy('registrar-role-trust.json').Statement;
    const [assume] = policy('workload-role-permissions.json').Statement;

    expect(actionsTheGatewayCalls('sts')).toEqual(['sts:AssumeRole']);
    expect(assume).toMatchObject({ Action: 'sts:AssumeRole', Resource: value('REDSHIFT_ROLE_ARN') });
    expect(trust).toMatchObject({
      Action: 'sts:AssumeRole',
      Principal: { AWS: serviceAccount.metadata.annotations?.['eks.amazonaws.com/role-arn'] },
      Condition: { StringEquals: { 'sts:ExternalId': value('REDSHIFT_ROLE_EXTERNAL_ID') } },
    });
    for (const statement of policy('registrar-role-permissions.json').Statement) {
      expect(statement.Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': value('AWS_REGION') } });
    }
  });
});
