// `npm run bench`: the full gateway (built, started as `npm start` starts it: auth, validation, policy,
// access and audit logs to files at info, metrics) against a bare forwarder making the same SDK call,
// both in front of the same emulator, on the Node.js the image ships (`.ci/image-node.sh`).
// Alternating rounds, medians, one PASS/FAIL line per target. The gateway also runs traced (every
// request sampled, spans exported to a local OTLP sink), for the CPU tracing costs: alone in the rounds
// (the table's latency and memory), and side by side with the untraced gateway for the tracing line.
//
//   --machine-node   run on this machine's Node.js instead of the image's
//   --ci             short rounds; fails only on a gross regression (throughput ratio < 0.35)
//   --profile        also CPU profiles of both under load: what each package and module costs per request
//   --profile-tracing  also CPU profiles of the gateway traced and not, side by side: what tracing costs, by module
//   --tracing        only the tracing line (BENCH_TRACING_PAIRS side-by-side pairs of BENCH_TRACING_SECONDS:
//                    7 of 15 s by default, 5 of 6 s with --ci)
//   --traced-env="K=V,…" start the traced gateway with these variables too (experiments only)
//   --node-flags="…" start the gateway with these node flags instead of `npm start`'s (experiments only)
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { freePort } from '../test/helpers/gateway-process';
import { imageNodeVersion } from '../test/helpers/image-node';
import { productionStart } from '../test/helpers/start-command';
import { emulatorEnv } from '../test/emulator/gateway-env';
import { loadSeed } from '../test/emulator/seed';
import { compareCpuProfiles, type CpuProfile } from './cpu-profile';

const ROOT = `${__dirname}/..`;
const args = new Set(process.argv.slice(2));
const CI = args.has('--ci');
// CI: short rounds, but three of them: the median of one alone swung by 10 % between runs.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? (CI ? 3 : 8));
// The tracing line compares the gateway untraced and traced side by side: pairs, each with its own
// figure. Longer pairs read the steady state a replica runs in: pairs of 3 s read +19 to +38 % (CI's
// medians of 3 to 5 pairs), of 8 s +21 to +25 % (medians of 7 to 11), of 20 s +20 % (pairs +16 to +21).
const TRACING_PAIRS = Number(process.env.BENCH_TRACING_PAIRS ?? (CI ? 5 : 7));
const TRACING_SECONDS = Number(process.env.BENCH_TRACING_SECONDS ?? (CI ? 6 : 15));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
// A realistic peak for one replica: latency is compared there, below saturation.
const FIXED_RATE = 200;
const MAX_SOCKETS = 50;
const API_KEY = 'bench-key';
const seed = loadSeed();
const TRACING_ONLY = args.has('--tracing');
const tracedEnvOverride = process.argv.find((arg) => arg.startsWith('--traced-env='))?.slice('--traced-env='.length);
const flagsOverride = process.argv.find((arg) => arg.startsWith('--node-flags='))?.slice('--node-flags='.length);
const start =
  flagsOverride === undefined
    ? productionStart()
    : { ...productionStart(), nodeFlags: flagsOverride.split(/\s+/).filter(Boolean) };
const body = JSON.stringify({
  NamespaceIdentifier: { ProvisionedIdentifier: { ClusterIdentifier: 'analytics-prod' } },
  ConsumerIdentifiers: ['DataCatalog/111122223333'],
});

interface Run {
  target: 'gateway' | 'gateway-traced' | 'baseline';
  mode: 'saturation' | 'fixed-rate';
  rps: number;
  requests: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** CPU time (user + system) the service spent per request: steadier than req/s on a shared machine. */
  cpuMsPerRequest: number;
  /** The gateway's garbage collections per 10,000 requests, from its own /metrics. */
  gcPer10k?: { count: number; ms: number; majorCount: number };
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
    const status = await fetch(`${url}${readyPath}`).then(
      (res) => res.status,
      () => 0,
    );
    if (status === 200) break;
    await sleep(5);
  }
  return { child, url, startedInMs: performance.now() - started };
}

async function stop(service: Service): Promise<void> {
  service.child.kill('SIGTERM');
  if (service.child.exitCode === null) await new Promise((resolve) => service.child.once('exit', resolve));
}

/** Closed loop: CONNECTIONS clients, each sending its next request when the last one is answered. */
async function saturate(url: string, duration = SECONDS, connections = CONNECTIONS) {
  const result = await autocannon({
    url: `${url}/namespaces/registrations`,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    body,
    connections,
    duration,
  });
  return {
    rps: result.requests.average,
    requests: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/**
 * Open loop: one request every 1/rate seconds, whatever the answers, as independent callers send
 * them; latency counts from when a request was due, so that a stall is not hidden (no coordinated
 * omission). autocannon's rate limit sends each second's requests in a burst, which measures queueing
 * in the load generator instead of the service.
 */
async function atFixedRate(url: string, rate: number, duration = SECONDS) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(`${url}/namespaces/registrations`);
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const send = (dueAt: number) =>
    new Promise<void>((resolve) => {
      const req = http.request(
        target,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-api-key': API_KEY } },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - dueAt);
            if (res.statusCode! < 200 || res.statusCode! >= 300) non2xx += 1;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors += 1;
        resolve();
      });
      req.end(body);
    });
  const started = performance.now();
  const total = Math.round(rate * duration);
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    const dueAt = started + (i * 1000) / rate;
    const wait = dueAt - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(send(dueAt));
  }
  await Promise.all(pending);
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10;
  return {
    rps: total / duration,
    requests: total,
    p50: at(0.5),
    p99: at(0.99),
    errors,
    non2xx,
  };
}

/** An OTLP/HTTP collector that keeps nothing: it reads each export and answers 200, counting them. */
async function startOtlpSink(): Promise<{ url: string; exports: () => number; bytes: () => number; close(): void }> {
  let exports = 0;
  let bytes = 0;
  const server = http.createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      exports += 1;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, exports: () => exports, bytes: () => bytes, close: () => server.close() };
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

/** Collections so far, by kind, from prom-client's nodejs_gc_duration_seconds on the gateway's /metrics. */
async function gcTotals(url: string): Promise<{ count: number; seconds: number; majorCount: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sum = (metric: string, kind?: string) =>
    [...text.matchAll(new RegExp(`^nodejs_gc_duration_seconds_${metric}\\{kind="(\\w+)"\\} ([\\d.e+-]+)$`, 'gm'))]
      .filter((match) => kind === undefined || match[1] === kind)
      .reduce((total, match) => total + Number(match[2]), 0);
  return { count: sum('count'), seconds: sum('sum'), majorCount: sum('count', 'major') };
}

/** The CPU profile `node --cpu-prof --cpu-prof-dir=<dir>` wrote when the process exited. */
function cpuProfileIn(dir: string): CpuProfile {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no CPU profile in ${dir}`);
  return JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as CpuProfile;
}

/** A ratio as a rounded percentage with its sign: 0.213 as `+21`, -0.004 as `0`. */
const signedPercent = (ratio: number) => {
  const rounded = Math.round(ratio * 100);
  return rounded > 0 ? `+${rounded}` : String(rounded === 0 ? 0 : rounded);
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

async function main(): Promise<void> {
  const imageNode = `v${imageNodeVersion()}`;
  if (process.version !== imageNode && !args.has('--machine-node')) {
    throw new Error(
      `this is Node.js ${process.version}, the image ships ${imageNode}: run \`npm run bench\` (which fetches it), or pass --machine-node`,
    );
  }
  const work = mkdtempSync(`${tmpdir()}/gateway-bench-`);
  const emulator = await startService(
    ['--import', 'tsx', 'test/emulator/serve.ts'],
    {},
    '/_emulator/stats',
    `${work}/emulator.log`,
  );
  const common = {
    ...emulatorEnv(emulator.url, seed),
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

  const otlpSink = await startOtlpSink();
  // Every request traced: the sampler's default keeps a trace whose caller sends none.
  const tracedEnv = {
    ...gatewayEnv,
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpSink.url,
    ...Object.fromEntries(
      (tracedEnvOverride?.split(',') ?? []).map((pair): [string, string] => {
        const [name = '', value = ''] = pair.split('=', 2);
        return [name, value];
      }),
    ),
  };

  const runs: Run[] = [];
  let peakRss = 0;
  let tracedPeakRss = 0;
  const startupMs: number[] = [];
  const gatewaySockets: number[] = [];
  const assumeRoles: number[] = [];

  const measure = async (target: Run['target'], mode: Run['mode'], extraFlags: string[] = []) => {
    const before = await emulatorStats(emulator.url);
    const rate = mode === 'fixed-rate' ? FIXED_RATE : undefined;
    const service =
      target !== 'baseline'
        ? await startService(
            [...start.nodeFlags, ...extraFlags, start.entry],
            target === 'gateway' ? gatewayEnv : tracedEnv,
            '/readyz',
            `${work}/${target}.log`,
          )
        : await startService(
            [...extraFlags, '--import', 'tsx', 'bench/baseline-forwarder.ts'],
            { ...common, AUTHZ_ALLOW_ALL: 'true' },
            '/',
            `${work}/baseline.log`,
          );
    const drive = () => (rate === undefined ? saturate(service.url) : atFixedRate(service.url, rate));
    // Warm-up (JIT, credentials, sockets), not counted: 2 s at saturation, then, before a fixed-rate
    // measurement, 1 s at that rate. A replica at its peak has been up for long; after a warm-up of
    // 400 requests at 200 req/s alone, a third to a half of the gateway's answers slower than 5 ms fell
    // in the first second measured, while V8 was still optimising its code.
    const warmUp = await saturate(service.url, 2);
    if (rate !== undefined) warmUp.requests += (await atFixedRate(service.url, rate, 1)).requests;
    const gcBefore = target !== 'baseline' ? await gcTotals(service.url) : undefined;
    const cpuBefore = cpuMs(service.child.pid!);
    const result = await drive();
    const cpuMsPerRequest = (cpuMs(service.child.pid!) - cpuBefore) / result.requests;
    const run: Run = { target, mode, ...result, cpuMsPerRequest };
    if (gcBefore) {
      const gcAfter = await gcTotals(service.url);
      const per10k = 10_000 / result.requests;
      run.gcPer10k = {
        count: (gcAfter.count - gcBefore.count) * per10k,
        ms: (gcAfter.seconds - gcBefore.seconds) * 1000 * per10k,
        majorCount: (gcAfter.majorCount - gcBefore.majorCount) * per10k,
      };
      // A profiled process holds its samples too: its memory is not the gateway's.
      if (extraFlags.length === 0 && target === 'gateway')
        peakRss = Math.max(peakRss, peakRssBytes(service.child.pid!));
      if (target === 'gateway-traced') tracedPeakRss = Math.max(tracedPeakRss, peakRssBytes(service.child.pid!));
      startupMs.push(service.startedInMs);
      const after = await emulatorStats(emulator.url);
      gatewaySockets.push(after.connections - before.connections);
      assumeRoles.push((after.calls.AssumeRole ?? 0) - (before.calls.AssumeRole ?? 0));
    }
    runs.push(run);
    await stop(service);
    await fetch(`${emulator.url}/_emulator/reset`, { method: 'POST' });
    const gc = run.gcPer10k
      ? `  GC/10k ${run.gcPer10k.count.toFixed(0)} (${run.gcPer10k.majorCount.toFixed(1)} major) ${run.gcPer10k.ms.toFixed(0)} ms`
      : '';
    process.stdout.write(
      `${target.padEnd(14)} ${mode.padEnd(10)} ${run.rps.toFixed(0).padStart(6)} req/s  p50 ${String(run.p50).padStart(4)} ms  p99 ${String(run.p99).padStart(4)} ms  CPU/req ${run.cpuMsPerRequest.toFixed(3)} ms${gc}  errors ${run.errors}  non-2xx ${run.non2xx}\n`,
    );
    return { requestsServed: warmUp.requests + result.requests };
  };

  // Services once more, each with a CPU profile over its whole life, compared per request.
  const profiled = async (target: Run['target']) => {
    const dir = `${work}/profile-${target}`;
    const { requestsServed } = await measure(target, 'saturation', ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    runs.pop();
    return { profile: cpuProfileIn(dir), requests: requestsServed };
  };
  process.stdout.write(
    `Node.js ${process.version} (image: ${imageNode}); gateway started as: node ${[...start.nodeFlags, start.entry].join(' ')}` +
      `${flagsOverride === undefined ? " (npm start's flags)" : " (EXPERIMENT: not npm start's flags)"}` +
      `${tracedEnvOverride === undefined ? '' : `; EXPERIMENT: traced with ${tracedEnvOverride}`}\n\n`,
  );
  for (let round = 0; round < ROUNDS; round += 1) {
    if (TRACING_ONLY) break;
    await measure('gateway', 'saturation');
    await measure('gateway-traced', 'saturation');
    await measure('baseline', 'saturation');
  }
  // What tracing costs: the gateway untraced and traced side by side, each under its own closed loop of
  // half the connections, so that the machine's load (which drifted by ±15 % between rounds run one after
  // the other on this shared machine) weighs on both alike. The rounds alone above are for the table.
  const sideBySide = async (flags: [string[], string[]] = [[], []]) => {
    const [plain, traced] = [
      await startService([...start.nodeFlags, ...flags[0], start.entry], gatewayEnv, '/readyz', `${work}/gateway.log`),
      await startService(
        [...start.nodeFlags, ...flags[1], start.entry],
        tracedEnv,
        '/readyz',
        `${work}/gateway-traced.log`,
      ),
    ];
    const both = (duration: number) =>
      Promise.all([plain, traced].map((service) => saturate(service.url, duration, CONNECTIONS / 2)));
    const warmUp = await both(2);
    const cpuBefore = [plain, traced].map((service) => cpuMs(service.child.pid!));
    const results = await both(TRACING_SECONDS);
    const [plainCpu, tracedCpu] = [plain, traced].map(
      (service, index) => (cpuMs(service.child.pid!) - cpuBefore[index]!) / results[index]!.requests,
    );
    await Promise.all([stop(plain), stop(traced)]);
    await fetch(`${emulator.url}/_emulator/reset`, { method: 'POST' });
    const cost = tracedCpu! / plainCpu! - 1;
    process.stdout.write(
      `side by side   saturation  untraced ${results[0]!.rps.toFixed(0)} req/s ${plainCpu!.toFixed(3)} ms/req, ` +
        `traced ${results[1]!.rps.toFixed(0)} req/s ${tracedCpu!.toFixed(3)} ms/req: ${signedPercent(cost)} %\n`,
    );
    return { cost, requestsServed: results.map((result, index) => result.requests + warmUp[index]!.requests) };
  };
  // Both once more side by side, each with a CPU profile over its whole life: what tracing costs, by module.
  const tracingProfiles = async () => {
    const dirs = [`${work}/profile-gateway`, `${work}/profile-gateway-traced`];
    const { requestsServed } = await sideBySide([
      ['--cpu-prof', `--cpu-prof-dir=${dirs[0]}`],
      ['--cpu-prof', `--cpu-prof-dir=${dirs[1]}`],
    ]);
    const [plain, traced] = dirs.map((dir, index) => ({
      profile: cpuProfileIn(dir),
      requests: requestsServed[index]!,
    }));
    return compareCpuProfiles(traced!, plain!, 30, ['traced', 'plain']);
  };
  const tracingCosts: number[] = [];
  for (let pair = 0; pair < TRACING_PAIRS; pair += 1) tracingCosts.push((await sideBySide()).cost);
  const tracingCost = median(tracingCosts);
  const tracingLine = (exports: number, exportedMiB: number): [string, boolean] => [
    `tracing (every request sampled, exported): ${signedPercent(tracingCost)} % CPU per request <= +25 % ` +
      `(median of ${tracingCosts.length} pairs of ${TRACING_SECONDS} s: ${tracingCosts.map(signedPercent).join(', ')} %; ` +
      `${exports} exports, ${exportedMiB.toFixed(1)} MiB)`,
    tracingCost <= 0.25 && exports > 0,
  ];
  if (TRACING_ONLY) {
    const profile = args.has('--profile-tracing') ? await tracingProfiles() : '';
    await stop(emulator);
    otlpSink.close();
    const [line, ok] = tracingLine(otlpSink.exports(), otlpSink.bytes() / 2 ** 20);
    process.stdout.write(`\n${ok ? 'PASS' : 'FAIL'} ${line}\n${profile && `\n${profile}`}`);
    return;
  }
  for (let round = 0; round < ROUNDS; round += 1) {
    await measure('baseline', 'fixed-rate');
    await measure('gateway', 'fixed-rate');
  }
  let profile: string | undefined;
  if (args.has('--profile')) {
    profile = compareCpuProfiles(await profiled('gateway'), await profiled('baseline'), 30);
  }
  if (args.has('--profile-tracing')) {
    profile = `${profile ?? ''}${await tracingProfiles()}`;
  }
  await stop(emulator);
  otlpSink.close();

  const of = (target: Run['target'], mode: Run['mode']) => runs.filter((r) => r.target === target && r.mode === mode);
  const med = (target: Run['target'], mode: Run['mode'], pick: (run: Run) => number) =>
    median(of(target, mode).map(pick));
  const gateway = {
    rps: med('gateway', 'saturation', (r) => r.rps),
    p50: med('gateway', 'saturation', (r) => r.p50),
    p99: med('gateway', 'saturation', (r) => r.p99),
    cpuMsPerRequest: med('gateway', 'saturation', (r) => r.cpuMsPerRequest),
    gcPer10k: {
      count: med('gateway', 'saturation', (r) => r.gcPer10k!.count),
      majorCount: med('gateway', 'saturation', (r) => r.gcPer10k!.majorCount),
      ms: med('gateway', 'saturation', (r) => r.gcPer10k!.ms),
    },
    fixedRateP99: med('gateway', 'fixed-rate', (r) => r.p99),
  };
  const traced = {
    rps: med('gateway-traced', 'saturation', (r) => r.rps),
    p50: med('gateway-traced', 'saturation', (r) => r.p50),
    p99: med('gateway-traced', 'saturation', (r) => r.p99),
    cpuMsPerRequest: med('gateway-traced', 'saturation', (r) => r.cpuMsPerRequest),
    peakRssMiB: tracedPeakRss / 2 ** 20,
    exports: otlpSink.exports(),
    exportedMiB: otlpSink.bytes() / 2 ** 20,
  };
  const baseline = {
    rps: med('baseline', 'saturation', (r) => r.rps),
    p50: med('baseline', 'saturation', (r) => r.p50),
    p99: med('baseline', 'saturation', (r) => r.p99),
    cpuMsPerRequest: med('baseline', 'saturation', (r) => r.cpuMsPerRequest),
    fixedRateP99: med('baseline', 'fixed-rate', (r) => r.p99),
  };
  const peakRssMiB = peakRss / 2 ** 20;
  const startupToReadyMs = median(startupMs);
  const errors = runs.reduce((sum, r) => sum + r.errors + r.non2xx, 0);
  const throughputRatio = gateway.rps / baseline.rps;
  const cpuRatio = gateway.cpuMsPerRequest / baseline.cpuMsPerRequest;

  const targets: [string, boolean][] = [
    [`throughput ratio ${throughputRatio.toFixed(2)} >= 0.55 of the bare forwarder's`, throughputRatio >= 0.55],
    [`CPU per request ${cpuRatio.toFixed(2)}x the bare forwarder's <= 1.8x`, cpuRatio <= 1.8],
    [
      `p99 at ${FIXED_RATE} req/s: gateway ${gateway.fixedRateP99} ms <= bare ${baseline.fixedRateP99} ms + 2 ms`,
      gateway.fixedRateP99 <= baseline.fixedRateP99 + 2,
    ],
    [`peak RSS at saturation ${peakRssMiB.toFixed(1)} MiB <= 200 MiB`, peakRssMiB <= 200],
    [`start to /readyz 200: ${startupToReadyMs.toFixed(0)} ms <= 600 ms`, startupToReadyMs <= 600],
    [`one AssumeRole per run: ${assumeRoles.join(', ')}`, assumeRoles.every((n) => n === 1)],
    [
      `upstream sockets ${Math.max(...gatewaySockets)} <= pool of ${MAX_SOCKETS} (+1 for STS)`,
      gatewaySockets.every((n) => n <= MAX_SOCKETS + 1),
    ],
    [`no errors or non-2xx answers: ${errors}`, errors === 0],
    tracingLine(traced.exports, traced.exportedMiB),
  ];

  process.stdout.write(
    `\n              req/s    p50    p99  CPU ms/req   (saturation, ${CONNECTIONS} connections, median of ${ROUNDS})\n` +
      `gateway   ${gateway.rps.toFixed(0).padStart(7)} ${String(gateway.p50).padStart(6)} ${String(gateway.p99).padStart(6)} ${gateway.cpuMsPerRequest.toFixed(3).padStart(11)}\n` +
      `traced    ${traced.rps.toFixed(0).padStart(7)} ${String(traced.p50).padStart(6)} ${String(traced.p99).padStart(6)} ${traced.cpuMsPerRequest.toFixed(3).padStart(11)}   (peak RSS ${traced.peakRssMiB.toFixed(1)} MiB)\n` +
      `baseline  ${baseline.rps.toFixed(0).padStart(7)} ${String(baseline.p50).padStart(6)} ${String(baseline.p99).padStart(6)} ${baseline.cpuMsPerRequest.toFixed(3).padStart(11)}\n` +
      `gateway GC per 10,000 requests: ${gateway.gcPer10k.count.toFixed(0)} collections (${gateway.gcPer10k.majorCount.toFixed(1)} major), ${gateway.gcPer10k.ms.toFixed(0)} ms\n\n`,
  );
  for (const [line, ok] of targets) process.stdout.write(`${ok ? 'PASS' : 'FAIL'} ${line}\n`);
  if (profile) process.stdout.write(`\n${profile}`);

  mkdirSync(`${ROOT}/bench/results`, { recursive: true });
  const file = `${ROOT}/bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30) };
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        machine,
        node: process.version,
        gatewayCommand: ['node', ...start.nodeFlags, start.entry],
        settings: {
          rounds: ROUNDS,
          tracingPairs: TRACING_PAIRS,
          tracingSeconds: TRACING_SECONDS,
          seconds: SECONDS,
          connections: CONNECTIONS,
          fixedRate: FIXED_RATE,
        },
        tracingCosts,
        gateway,
        traced,
        baseline,
        peakRssMiB,
        startupToReadyMs,
        assumeRolePerRun: assumeRoles,
        upstreamSocketsPerRun: gatewaySockets,
        errors,
        targets: targets.map(([line, ok]) => ({ line, ok })),
        runs,
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`\nresults: ${file}\n`);

  // In CI the machines are shared and noisy: only a gross regression fails the run.
  if (CI && throughputRatio < 0.35) {
    process.stderr.write(`gross regression: throughput ratio ${throughputRatio.toFixed(2)} < 0.35\n`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
