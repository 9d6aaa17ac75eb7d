import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config';
import { DEFAULT_POLICY_PATH } from '../../src/http/auth/policy-settings';
import { HTTP_SERVER_SETTINGS } from '../../src/http/server-settings';
import { parseAccessPolicy } from '../../src/domain/access-policy';
import { loadContract } from '../../src/http/contract';
import { TRACE_FLUSH_MIN_MS } from '../../src/tracing/start';
import { DEFAULT_TARGET } from '../../src/aws/settings';
import {
  componentPatch,
  kubernetesManifests,
  missingKustomizeFiles,
  ROOT,
  type Manifest,
} from '../deploy/kubernetes-manifests';
import { productionStart } from '../helpers/start-command';

// deploy/kubernetes: valid Kubernetes (schemas and types, offline), and every setting in it that
// mirrors the gateway's own (port, probe paths, shutdown budget, variable names, policy path, heap)
// checked against the code, so that neither can change without the other.

interface EnvVar {
  name: string;
  value?: string;
}
interface Container {
  name: string;
  ports: { name: string; containerPort: number }[];
  env: EnvVar[];
  volumeMounts: { name: string; mountPath: string; subPath?: string }[];
  resources: { limits: { memory: string } };
  securityContext: Record<string, unknown> & { capabilities: { drop: string[] } };
  startupProbe: { httpGet: { path: string; port: string } };
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  lifecycle: { preStop: { sleep: { seconds: number } } };
}
interface PodSpec {
  terminationGracePeriodSeconds: number;
  securityContext: { runAsNonRoot: boolean; runAsUser: number; seccompProfile: { type: string } };
  containers: Container[];
  volumes: { name: string; configMap?: { name: string }; secret?: { secretName: string } }[];
}

const manifests = kubernetesManifests();
const find = (kind: string, name = 'redshift-namespace-gateway'): Manifest['document'] => {
  const found = manifests.find((m) => m.document.kind === kind && m.document.metadata?.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name} in deploy/kubernetes`);
  return found.document;
};
const deployment = find('Deployment') as unknown as {
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
};
const pod = deployment.spec.template.spec;
const gateway = pod.containers.find((container) => container.name === 'gateway')!;
const env = (name: string) => gateway.env.find((variable) => variable.name === name)?.value;
const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as T;

it('every manifest is valid Kubernetes: schemas and types, offline (kubernetes-models)', () => {
  const check = spawnSync(process.execPath, ['--import', 'tsx', 'test/deploy/kubernetes-check.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
  });

  expect(check.stderr).toBe('');
  expect(check.status).toBe(0);
}, 60_000);

it('every file a kustomization names exists', () => {
  expect(missingKustomizeFiles()).toEqual([]);
});

describe('the Deployment mirrors the gateway', () => {
  it('sets only variables the gateway reads, the Redis, targets and tracing components too', () => {
    const patches = [
      componentPatch('redis', 'gateway-redis-url.yaml'),
      componentPatch('targets', 'gateway-targets.yaml'),
      componentPatch('tracing', 'gateway-otel.yaml'),
    ] as { path: string; value: EnvVar }[][];
    const added = patches.flat().filter((op) => op.path.endsWith('/env/-'));
    const names = [...gateway.env, ...added.map((op) => op.value)].map((variable) => variable.name);

    expect(added.map((op) => op.value.name)).toContain('TARGETS_FILE');

    expect(names.filter((name) => !CONFIG_VARIABLES.includes(name as never))).toEqual([]);
  });

  it('listens on the port the probes, the Service and the NetworkPolicy use', () => {
    const [port] = gateway.ports;
    const service = find('Service') as unknown as { spec: { ports: { targetPort: string }[] } };
    const policy = find('NetworkPolicy') as unknown as { spec: { ingress: { ports: { port: number }[] }[] } };

    expect(port).toEqual({
      name: 'http',
      containerPort: Number(env('PORT') ?? HTTP_SERVER_SETTINGS.variables.PORT.default),
    });
    expect(service.spec.ports[0]?.targetPort).toBe('http');
    expect(policy.spec.ingress[0]?.ports[0]?.port).toBe(port?.containerPort);
    for (const probe of [gateway.startupProbe, gateway.livenessProbe, gateway.readinessProbe]) {
      expect(probe.httpGet.port).toBe('http');
    }
  });

  it("probes the contract's liveness and readiness paths", () => {
    const paths = (loadContract().document as { paths: Record<string, { get?: unknown }> }).paths;

    expect(gateway.livenessProbe.httpGet.path).toBe('/livez');
    expect(gateway.startupProbe.httpGet.path).toBe('/livez');
    expect(gateway.readinessProbe.httpGet.path).toBe('/readyz');
    expect(paths['/livez']?.get).toBeDefined();
    expect(paths['/readyz']?.get).toBeDefined();
  });

  it('gives the pod more grace than the preStop pause, the shutdown budget and the last span export together', () => {
    const shutdownSeconds =
      Number(env('SHUTDOWN_TIMEOUT_MS') ?? HTTP_SERVER_SETTINGS.variables.SHUTDOWN_TIMEOUT_MS.default) / 1000;

    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(
      gateway.lifecycle.preStop.sleep.seconds + shutdownSeconds + TRACE_FLUSH_MIN_MS / 1000,
    );
  });

  it("the tracing component opens the NetworkPolicy to the collector's port", () => {
    const [rule] = componentPatch('tracing', 'networkpolicy-collector.yaml') as { value: { ports: unknown[] } }[];
    const [endpoint] = componentPatch('tracing', 'gateway-otel.yaml') as { value: EnvVar }[];

    expect(rule?.value.ports).toEqual([{ port: Number(new URL(endpoint!.value.value!).port), protocol: 'TCP' }]);
  });

  it('mounts the access policy where the gateway looks by default, and the policy is valid', () => {
    const configMap = find('ConfigMap', 'redshift-namespace-gateway-policy') as unknown as {
      data: Record<string, string>;
    };
    const mount = gateway.volumeMounts.find((m) => m.mountPath === DEFAULT_POLICY_PATH);
    const volume = pod.volumes.find((v) => v.name === mount?.name);

    expect(env('AUTHZ_POLICY_FILE')).toBeUndefined();
    expect(volume?.configMap?.name).toBe('redshift-namespace-gateway-policy');
    expect(() => parseAccessPolicy(parseYaml(configMap.data[mount!.subPath!]!))).not.toThrow();
  });

  it("with the targets component the gateway starts with `default` and the file's targets, whose roles the workload may assume", () => {
    const [variable, mount, volume] = componentPatch('targets', 'gateway-targets.yaml') as [
      { value: EnvVar },
      { value: { name: string; mountPath: string } },
      { value: { name: string; configMap: { name: string } } },
    ];
    const targetsFile = variable.value.value!;
    const dataOf = (name: string) => (find('ConfigMap', name) as unknown as { data: Record<string, string> }).data;
    // The files the pod would see: both ConfigMaps where they are mounted, and a stand-in for the API-key Secret.
    const files: Record<string, string> = {
      [targetsFile]: dataOf(volume.value.configMap.name)[targetsFile.slice(`${mount.value.mountPath}/`.length)] ?? '',
      [DEFAULT_POLICY_PATH]: dataOf('redshift-namespace-gateway-policy')['policy.yaml']!,
      [env('API_KEYS_FILE')!]: `ci-pipeline ${'0'.repeat(64)}\n`,
    };
    const podEnv = Object.fromEntries([...gateway.env, variable.value].map(({ name, value }) => [name, value]));
    const { aws } = loadConfig(podEnv, (path) => {
      if (files[path] === undefined) throw Object.assign(new Error(`no file ${path}`), { code: 'ENOENT' });
      return files[path];
    });
    const assumable = readJson<{ Statement: { Resource: string[] }[] }>(
      'deploy/aws/workload-role-permissions-many-accounts.json',
    ).Statement.flatMap((statement) => statement.Resource);
    const trust = readJson<{ Statement: { Condition: { StringEquals: Record<string, string> } }[] }>(
      'deploy/aws/registrar-role-trust.json',
    );

    expect(mount.value.name).toBe(volume.value.name);
    expect(aws.targets.map((target) => target.name)).toEqual([DEFAULT_TARGET, 'analytics-us', 'finance-eu']);
    for (const target of aws.targets) {
      expect(assumable).toContain(target.roleArn);
      expect(target.roleExternalId).toBe(trust.Statement[0]!.Condition.StringEquals['sts:ExternalId']);
    }
  });

  it('reads the API keys from a mounted Secret', () => {
    const keysFile = env('API_KEYS_FILE')!;
    const mount = gateway.volumeMounts.find((m) => keysFile.startsWith(`${m.mountPath}/`));

    expect(pod.volumes.find((v) => v.name === mount?.name)?.secret?.secretName).toBe(
      'redshift-namespace-gateway-api-keys',
    );
  });

  it('limits memory above the heap the image allows (its --max-old-space-size) and what it measured', () => {
    const heapMiB = Number(/--max-old-space-size=(\d+)/.exec(productionStart().nodeFlags.join(' '))?.[1]);
    const limitMiB = Number(/^(\d+)Mi$/.exec(gateway.resources.limits.memory)?.[1]);

    // Beyond the old space: the young generation, code, buffers and Node.js itself, ~100 MiB.
    expect(limitMiB).toBeGreaterThanOrEqual(heapMiB + 100);
  });

  it('runs hardened: non-root as the image user, read-only root, no capabilities, RuntimeDefault seccomp', () => {
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(gateway.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(gateway.securityContext.capabilities.drop).toEqual(['ALL']);
  });

  it('keeps at least two replicas, scaled and protected alike', () => {
    const hpa = find('HorizontalPodAutoscaler') as unknown as { spec: { minReplicas: number } };
    const pdb = find('PodDisruptionBudget') as unknown as {
      spec: { selector: { matchLabels: Record<string, string> } };
    };

    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(deployment.spec.template.metadata.labels).toMatchObject(pdb.spec.selector.matchLabels);
    expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
  });
});
