// `npm run bench`: the full gateway (built, as `npm start` runs it: auth, validation, policy, access
// and audit logs to files at info, metrics) against a bare forwarder making the same SDK call, both
// in front of the same emulator, on this machine. Alternating rounds, medians, pass/fail lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { freePort } from '../test/helpers/gateway-process';
import { productionStart } from '../test/helpers/start-command';
import { loadSeed } from '../test/emulator/seed';

const ROOT = `${__dirname}/..`;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const MAX_SOCKETS = 50;
const API_KEY = 'bench-key';
const seed = loadSeed();
const start = productionStart();
const body = JSON.stringify({
  NamespaceIdentifier: { ProvisionedIdentifier: { ClusterIdentifier: 'analytics-prod' } },
  ConsumerIdentifiers: ['DataCatalog/111122223333'],
});

interface Run {
  target: 'gateway' | 'baseline';
  mode: 'saturation' | 'half-rate';
  rps: number;
  requests: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
  /** CPU time (user + system) the service spent per request: steadier than req/s on a shared machine. */
  cpuMsPerRequest: number;
}

interface Service {
  child: ChildProcess;
  url: string;
  startedInMs: number;
}

async function startService(
  command: string[],
  env: Record<string, string | undefined>,
  readyPath: string,
  logFile: string,
): Promise<Service> {
  const port = await freePort();
  const out = openSync(logFile, 'a');
  const started = performance.now();
  const child = spawn(process.execPath, command, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env, PORT: String(port), EMULATOR_PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', out, out],
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command.join(' ')} exited; see ${logFile}`);
    if (
      (await fetch(`${url}${readyPath}`).then(
        (res) => res.status,
        () => 0,
      )) === 200
    )
      break;
    await sleep(5);
  }
  return { child, url, startedInMs: performance.now() - started };
}

async function stop(service: Service): Promise<void> {
  service.child.kill('SIGTERM');
  if (service.child.exitCode === null) await new Promise((resolve) => service.child.once('exit', resolve));
}

async function drive(
  url: string,
  overallRate?: number,
  duration = SECONDS,
): Promise<Omit<Run, 'target' | 'mode' | 'cpuMsPerRequest'>> {
  const result = await autocannon({
    url: `${url}/namespaces/registrations`,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    body,
    connections: CONNECTIONS,
    duration,
    ...(overallRate ? { overallRate } : {}),
  });
  return {
    rps: result.requests.average,
    requests: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

const emulatorStats = async (url: string) =>
  (await (await fetch(`${url}/_emulator/stats`)).json()) as { connections: number; calls: Record<string, number> };

/** User plus system CPU time of a process so far, from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function peakRssBytes(pid: number): number {
  const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB/m);
  return Number(match?.[1] ?? 0) * 1024;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

async function main(): Promise<void> {
  const work = mkdtempSync(`${tmpdir()}/gateway-bench-`);
  const emulator = await startService(
    ['--import', 'tsx', 'test/emulator/serve.ts'],
    {},
    '/_emulator/stats',
    `${work}/emulator.log`,
  );
  const common = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: seed.baseCredentials[0]?.accessKeyId,
    AWS_SECRET_ACCESS_KEY: seed.baseCredentials[0]?.secretAccessKey,
    AWS_ENDPOINT_URL_REDSHIFT: emulator.url,
    AWS_ENDPOINT_URL_STS: emulator.url,
    REDSHIFT_ROLE_ARN: seed.roles[0]?.arn,
    API_KEYS: `local-developer:${createHash('sha256').update(API_KEY).digest('hex')}`,
    UPSTREAM_MAX_SOCKETS: String(MAX_SOCKETS),
  };
  const gatewayEnv = {
    ...common,
    AUTHZ_POLICY_FILE: `${ROOT}/test/emulator/local-policy.yaml`,
    LOG_LEVEL: 'info',
    AUDIT_LOG_FILE: `${work}/audit.log`,
    RATE_LIMIT_PER_MINUTE: '100000',
    MAX_CONCURRENT_UPSTREAM: '256',
  };

  const runs: Run[] = [];
  let peakRss = 0;
  const startupMs: number[] = [];
  const gatewaySockets: number[] = [];
  const assumeRoles: number[] = [];

  const measure = async (target: Run['target'], mode: Run['mode'], rate?: number) => {
    const before = await emulatorStats(emulator.url);
    const service =
      target === 'gateway'
        ? await startService([...start.nodeFlags, start.entry], gatewayEnv, '/readyz', `${work}/gateway.log`)
        : await startService(
            ['--import', 'tsx', 'bench/baseline-forwarder.ts'],
            { ...common, AUTHZ_ALLOW_ALL: 'true' },
            '/',
            `${work}/baseline.log`,
          ).catch(() => undefined);
    if (!service) throw new Error('baseline failed to start');
    await drive(service.url, rate, 2); // warm-up (JIT, credentials, sockets), not counted
    const cpuBefore = cpuMs(service.child.pid!);
    const result = await drive(service.url, rate);
    const run = { target, mode, ...result, cpuMsPerRequest: (cpuMs(service.child.pid!) - cpuBefore) / result.requests };
    runs.push(run);
    if (target === 'gateway') {
      peakRss = Math.max(peakRss, peakRssBytes(service.child.pid!));
      startupMs.push(service.startedInMs);
      const after = await emulatorStats(emulator.url);
      gatewaySockets.push(after.connections - before.connections);
      assumeRoles.push((after.calls.AssumeRole ?? 0) - (before.calls.AssumeRole ?? 0));
    }
    await stop(service);
    await fetch(`${emulator.url}/_emulator/reset`, { method: 'POST' });
    process.stdout.write(
      `${target.padEnd(8)} ${mode.padEnd(10)} ${run.rps.toFixed(0).padStart(6)} req/s  p50 ${String(run.p50).padStart(4)} ms  p99 ${String(run.p99).padStart(4)} ms  max ${String(run.max).padStart(5)} ms  CPU/req ${run.cpuMsPerRequest.toFixed(3)} ms  errors ${run.errors}  non-2xx ${run.non2xx}\n`,
    );
  };

  for (let round = 0; round < ROUNDS; round += 1) {
    await measure('gateway', 'saturation');
    await measure('baseline', 'saturation');
  }
  const baselineRps = median(runs.filter((r) => r.target === 'baseline').map((r) => r.rps));
  const halfRate = Math.round(baselineRps / 2);
  for (let round = 0; round < ROUNDS; round += 1) {
    await measure('baseline', 'half-rate', halfRate);
    await measure('gateway', 'half-rate', halfRate);
  }
  await stop(emulator);

  const med = (target: Run['target'], mode: Run['mode'], key: 'rps' | 'p50' | 'p99' | 'max' | 'cpuMsPerRequest') =>
    median(runs.filter((r) => r.target === target && r.mode === mode).map((r) => r[key]));
  const summary = {
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    settings: { rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, halfRate },
    gateway: {
      saturation: {
        rps: med('gateway', 'saturation', 'rps'),
        p50: med('gateway', 'saturation', 'p50'),
        p99: med('gateway', 'saturation', 'p99'),
        max: med('gateway', 'saturation', 'max'),
        cpuMsPerRequest: med('gateway', 'saturation', 'cpuMsPerRequest'),
      },
      halfRateP99: med('gateway', 'half-rate', 'p99'),
    },
    baseline: {
      saturation: {
        rps: baselineRps,
        p50: med('baseline', 'saturation', 'p50'),
        p99: med('baseline', 'saturation', 'p99'),
        max: med('baseline', 'saturation', 'max'),
        cpuMsPerRequest: med('baseline', 'saturation', 'cpuMsPerRequest'),
      },
      halfRateP99: med('baseline', 'half-rate', 'p99'),
    },
    peakRssMiB: peakRss / 2 ** 20,
    startupToReadyMs: median(startupMs),
    assumeRolePerRun: assumeRoles,
    upstreamSocketsPerRun: gatewaySockets,
    errors: runs.reduce((sum, r) => sum + r.errors + r.non2xx, 0),
    runs,
  };
  const throughputRatio = summary.gateway.saturation.rps / summary.baseline.saturation.rps;
  const p99Ratio = summary.gateway.saturation.p99 / summary.baseline.saturation.p99;
  const targets = [
    [`throughput ratio ${throughputRatio.toFixed(2)} >= 0.70`, throughputRatio >= 0.7],
    [
      `p99 at half the baseline's saturation rate (${halfRate} req/s): gateway ${summary.gateway.halfRateP99} ms within 2 ms of baseline ${summary.baseline.halfRateP99} ms`,
      summary.gateway.halfRateP99 - summary.baseline.halfRateP99 <= 2,
    ],
    [`peak RSS ${summary.peakRssMiB.toFixed(1)} MiB < 150 MiB`, summary.peakRssMiB < 150],
    [`one AssumeRole per credential lifetime: ${assumeRoles.join(', ')} per run`, assumeRoles.every((n) => n === 1)],
    [
      `upstream sockets ${Math.max(...gatewaySockets)} <= pool of ${MAX_SOCKETS} (+1 for STS)`,
      gatewaySockets.every((n) => n <= MAX_SOCKETS + 1),
    ],
    [`start to /readyz 200: ${summary.startupToReadyMs.toFixed(0)} ms < 1500 ms`, summary.startupToReadyMs < 1500],
    [`no errors or non-2xx answers: ${summary.errors}`, summary.errors === 0],
  ] as const;

  process.stdout.write(
    `\n              req/s    p50    p99    max  CPU ms/req   (saturation, ${CONNECTIONS} connections, median of ${ROUNDS})\n` +
      `gateway   ${summary.gateway.saturation.rps.toFixed(0).padStart(7)} ${String(summary.gateway.saturation.p50).padStart(6)} ${String(summary.gateway.saturation.p99).padStart(6)} ${String(summary.gateway.saturation.max).padStart(6)} ${summary.gateway.saturation.cpuMsPerRequest.toFixed(3).padStart(11)}\n` +
      `baseline  ${summary.baseline.saturation.rps.toFixed(0).padStart(7)} ${String(summary.baseline.saturation.p50).padStart(6)} ${String(summary.baseline.saturation.p99).padStart(6)} ${String(summary.baseline.saturation.max).padStart(6)} ${summary.baseline.saturation.cpuMsPerRequest.toFixed(3).padStart(11)}\n` +
      `ratio gateway/baseline: throughput ${throughputRatio.toFixed(2)}, p99 ${p99Ratio.toFixed(2)}, ` +
      `CPU per request ${(summary.gateway.saturation.cpuMsPerRequest / summary.baseline.saturation.cpuMsPerRequest).toFixed(2)}\n\n`,
  );
  for (const [line, ok] of targets) process.stdout.write(`${ok ? 'PASS' : 'FAIL'} ${line}\n`);
  mkdirSync(`${ROOT}/bench/results`, { recursive: true });
  const file = `${ROOT}/bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(
    file,
    `${JSON.stringify({ ...summary, targets: targets.map(([line, ok]) => ({ line, ok })) }, null, 2)}\n`,
  );
  process.stdout.write(`\nresults: ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
