// `npm run test:reliability`: the real server process against the emulator with injected faults,
// under concurrent load. Every request sent must get exactly one well-formed answer from DESIGN.md's
// table; the process must stay healthy, not leak memory or file descriptors, and drain on SIGTERM.
// Prints one row per scenario and exits 1 if any verdict is FAIL. Bounded to a few minutes.
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator, type Emulator } from '../emulator/emulator';
import type { Faults } from '../emulator/faults';
import { loadSeed } from '../emulator/seed';
import { provisionedBody } from '../helpers/bodies';
import { TEST_API_KEY } from '../helpers/config';
import { startGatewayProcess, waitForOutput, type GatewayProcess } from '../helpers/gateway-process';
import { productionStart } from '../helpers/start-command';

interface Tally {
  scenario: string;
  sent: number;
  byStatus: Map<number, number>;
  unanswered: number;
  /** Connections refused: the request was never accepted. */
  refused: number;
  malformed: string[];
  notes: string[];
  failures: string[];
}

/** Set when the SIGTERM scenario signals the gateway. */
let shutdownSignalled = false;

const PROBLEM_STATUSES: Record<number, string[]> = {
  400: ['validation-failed', 'invalid-namespace'],
  404: ['cluster-not-found'],
  409: ['invalid-cluster-state'],
  502: ['upstream-error'],
  503: ['upstream-unavailable'],
  504: ['upstream-timeout'],
};

const validBody = JSON.stringify(provisionedBody('analytics-prod'));
const invalidBodies = [
  JSON.stringify({ NamespaceIdentifier: {}, ConsumerIdentifiers: [] }),
  '{"NamespaceIdentifier": ',
  JSON.stringify({ ...provisionedBody(), Extra: 'x'.repeat(200) }),
];

/** Sends one request and checks that its answer is one of `allowed`, in the shape the contract gives. */
async function send(
  gateway: GatewayProcess,
  tally: Tally,
  allowed: number[],
  body: string,
  keepAlive: boolean,
): Promise<void> {
  tally.sent += 1;
  let status: number;
  let text: string;
  let contentType: string;
  try {
    ({ status, contentType, text } = await (keepAlive ? postKeptAlive : postOnNewConnection)(gateway.url, body));
  } catch (error) {
    const code = ((error as Error).cause as { code?: string } | undefined)?.code ?? (error as { code?: string }).code;
    // Once SIGTERM is sent, the closing listener refuses new connections and resets those the
    // kernel had queued but Node had not yet accepted: the application never saw those requests.
    if (code === 'ECONNREFUSED' || (shutdownSignalled && code === 'ECONNRESET')) {
      tally.refused += 1;
      return;
    }
    tally.unanswered += 1;
    if (tally.unanswered <= 3) tally.notes.push(`unanswered: ${code ?? (error as Error).message}`);
    return;
  }
  tally.byStatus.set(status, (tally.byStatus.get(status) ?? 0) + 1);
  const problem = wellFormed(status, contentType, text);
  if (problem) tally.malformed.push(problem);
  else if (!allowed.includes(status)) tally.malformed.push(`status ${status} not expected here: ${text.slice(0, 160)}`);
}

type Answer = { status: number; contentType: string; text: string };

// Kept-alive connections, as most clients call; the soak closes them before it counts descriptors.
let keptAlive = new http.Agent({ keepAlive: true });

/** Through the pool of kept-alive connections. */
const postKeptAlive = (url: string, body: string) => post(url, body, keptAlive);

/**
 * On a connection of its own, closed after the answer. With it, a failed request is either refused
 * (never accepted) or accepted and lost: no connection is ever reused just as the server closes it
 * idle, a race of HTTP/1.1 keep-alive that clients meet by retrying (safe with Idempotency-Key).
 */
const postOnNewConnection = (url: string, body: string) => post(url, body, false);

function post(url: string, body: string, agent: http.Agent | false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/namespaces/registrations`,
      {
        method: 'POST',
        agent,
        timeout: 30_000,
        headers: {
          'X-API-Key': TEST_API_KEY,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Closes every idle kept-alive connection, ours to the gateway and the gateway's to the emulator (which
 * closes idle connections after Node's default 5 s), so that a count of the gateway's descriptors holds
 * no connection pool, whose size varies from run to run: what remains is what could leak.
 */
async function closeIdleConnections(): Promise<void> {
  keptAlive.destroy();
  keptAlive = new http.Agent({ keepAlive: true });
  await sleep(6_000);
}

function wellFormed(status: number, contentType: string, text: string): string | undefined {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return `status ${status}: body is not JSON`;
  }
  if (status === 202) return body.Status === 'Registering' ? undefined : `202 with body ${text}`;
  if (!contentType.startsWith('application/problem+json')) return `status ${status} as ${contentType}`;
  const slugs = PROBLEM_STATUSES[status] ?? [];
  const slug = String(body.type).replace('/problems/', '');
  if (body.status !== status || !slugs.includes(slug)) return `status ${status} with problem ${String(body.type)}`;
  if (typeof body.requestId !== 'string' || typeof body.detail !== 'string')
    return `status ${status}: incomplete problem`;
  if (/\bat .*\.(ts|js):\d+/.test(text)) return `status ${status}: a stack trace leaked`;
  return undefined;
}

/** `total` requests, `concurrency` at a time; `pick` chooses each body. */
async function load(
  gateway: GatewayProcess,
  tally: Tally,
  {
    total,
    concurrency,
    allowed,
    pick = () => validBody,
    keepAlive = true,
  }: { total: number; concurrency: number; allowed: number[]; pick?: (i: number) => string; keepAlive?: boolean },
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next;
      next += 1;
      await send(gateway, tally, allowed, pick(i), keepAlive);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function newTally(scenario: string): Tally {
  return { scenario, sent: 0, byStatus: new Map(), unanswered: 0, refused: 0, malformed: [], notes: [], failures: [] };
}

async function healthy(gateway: GatewayProcess, tally: Tally): Promise<void> {
  if (gateway.child.exitCode !== null) {
    tally.failures.push(`the process exited (${gateway.child.exitCode})`);
    return;
  }
  const live = await fetch(`${gateway.url}/livez`).then(
    (res) => res.status,
    () => 0,
  );
  if (live !== 200) tally.failures.push(`/livez answered ${live}`);
  if (/"level":60|unhandled rejection|uncaught exception/.test(gateway.output().stdout)) {
    tally.failures.push('the log has a fatal line (unhandled rejection or uncaught exception)');
  }
}

async function waitReady(gateway: GatewayProcess, ms = 15_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (
      (await fetch(`${gateway.url}/readyz`).then(
        (res) => res.status,
        () => 0,
      )) === 200
    )
      return Date.now() - started;
    if (gateway.child.exitCode !== null) throw new Error(`gateway exited: ${gateway.output().stderr}`);
    await sleep(25);
  }
  throw new Error('gateway never ready');
}

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return Number(line?.[1] ?? 0) * 1024;
}

async function rssAfterGc(gateway: GatewayProcess): Promise<number> {
  for (let i = 0; i < 3; i += 1) {
    gateway.child.kill('SIGUSR2');
    await sleep(300);
  }
  return rssBytes(gateway.child.pid!);
}

const openFds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

// Whatever happens, no gateway this suite started outlives it.
// Every gateway here runs with the production node flags (the heap budget).
const { nodeFlags } = productionStart();
const spawned: GatewayProcess[] = [];
process.on('exit', () => spawned.forEach((gateway) => gateway.child.kill('SIGKILL')));

/** What every scenario runs against: the emulator, the shared gateway and its settings. */
interface Context {
  readonly emulator: Emulator;
  readonly gateway: GatewayProcess;
  readonly settings: Record<string, string>;
}

interface Scenario {
  readonly name: string;
  readonly run: (context: Context, tally: Tally) => Promise<void>;
}

const mixed = (i: number) => (i % 2 === 0 ? validBody : invalidBodies[i % invalidBodies.length]!);

/** Load on the shared gateway with `faults` injected, then a health check once they are gone. */
const underFaults = (name: string, faults: Partial<Faults>, options: Parameters<typeof load>[2]): Scenario => ({
  name,
  async run({ emulator, gateway }, tally) {
    emulator.reset();
    emulator.setFaults(faults);
    await load(gateway, tally, options);
    emulator.reset();
    await healthy(gateway, tally);
  },
});

/** The suite, in order: the shared gateway is stopped by the last one. */
const SCENARIOS: readonly Scenario[] = [
  underFaults(
    'healthy upstream, mixed bodies',
    {},
    { total: 2_000, concurrency: 20, allowed: [202, 400], pick: mixed },
  ),
  underFaults(
    'latency above UPSTREAM_TIMEOUT_MS',
    { latencyMs: 7_000 },
    { total: 100, concurrency: 20, allowed: [504] },
  ),
  underFaults(
    'throttling burst (60 calls)',
    { throttleNext: 60 },
    { total: 300, concurrency: 20, allowed: [202, 503] },
  ),
  underFaults('5xx burst (60 calls)', { serverErrorNext: 60 }, { total: 300, concurrency: 20, allowed: [202, 503] }),
  underFaults('dropped connections (40)', { dropNext: 40 }, { total: 300, concurrency: 20, allowed: [202, 503] }),
  underFaults(
    'STS outage, credentials cached',
    { assumeRoleFailure: 'ServiceUnavailable' },
    { total: 500, concurrency: 20, allowed: [202] },
  ),
  { name: 'STS outage, no credentials, then recovery', run: stsOutageFromColdStart },
  { name: 'soak: 100,000 mixed requests', run: soak },
  { name: 'SIGTERM under load', run: sigtermUnderLoad },
];

/** STS outage before any credentials: 502 while it lasts, then recovery without a restart. */
async function stsOutageFromColdStart({ emulator, settings }: Context, tally: Tally): Promise<void> {
  emulator.reset();
  emulator.setFaults({ assumeRoleFailure: 'AccessDenied' });
  const cold = await startGatewayProcess({ ...settings, LOG_LEVEL: 'info' }, emulator, nodeFlags);
  spawned.push(cold);
  await waitForOutput(cold, 'gateway listening');
  await load(cold, tally, { total: 100, concurrency: 10, allowed: [502] });
  emulator.setFaults({ assumeRoleFailure: null });
  await waitReady(cold, 15_000).catch((error: Error) => tally.failures.push(error.message));
  await load(cold, tally, { total: 100, concurrency: 10, allowed: [202] });
  await healthy(cold, tally);
  cold.child.kill('SIGTERM');
  await cold.exited;
}

/** 100,000 mixed requests; memory after GC and file descriptors must not grow. */
async function soak({ emulator, gateway }: Context, tally: Tally): Promise<void> {
  emulator.reset();
  await load(gateway, tally, { total: 5_000, concurrency: 32, allowed: [202, 400], pick: mixed });
  const rssBefore = await rssAfterGc(gateway);
  await closeIdleConnections();
  const fdsBefore = openFds(gateway.child.pid!);
  tally.sent = 0;
  tally.byStatus.clear();
  const soakStarted = Date.now();
  await load(gateway, tally, { total: 100_000, concurrency: 32, allowed: [202, 400], pick: mixed });
  const seconds = (Date.now() - soakStarted) / 1000;
  emulator.reset();
  const rssAfter = await rssAfterGc(gateway);
  await closeIdleConnections();
  const fdsAfter = openFds(gateway.child.pid!);
  const growth = (rssAfter - rssBefore) / rssBefore;
  tally.notes.push(
    `${Math.round(tally.sent / seconds)} req/s; RSS after GC ${(rssBefore / 2 ** 20).toFixed(1)} -> ${(rssAfter / 2 ** 20).toFixed(1)} MiB (${(growth * 100).toFixed(1)} %); fds ${fdsBefore} -> ${fdsAfter}`,
  );
  if (growth > 0.1) tally.failures.push(`RSS grew ${(growth * 100).toFixed(1)} % (limit 10 %)`);
  if (fdsAfter > fdsBefore + 5) tally.failures.push(`file descriptors grew from ${fdsBefore} to ${fdsAfter}`);
  await healthy(gateway, tally);
}

/**
 * SIGTERM under load: every request the gateway accepted is answered, and it exits 0. A gateway of its
 * own, whose only requests are this load (it is awaited through its log, not probed), so that its
 * shutdown counts can be held against what the clients saw. Stops the shared gateway first.
 */
async function sigtermUnderLoad({ emulator, gateway, settings }: Context, tally: Tally): Promise<void> {
  gateway.child.kill('SIGTERM');
  await gateway.exited;
  emulator.reset();
  emulator.setFaults({ latencyMs: 200 });
  const draining = await startGatewayProcess({ ...settings, LOG_LEVEL: 'info' }, emulator, nodeFlags);
  spawned.push(draining);
  await waitForOutput(draining, 'role assumed');
  const inFlight = load(draining, tally, { total: 400, concurrency: 24, allowed: [202, 503], keepAlive: false });
  await sleep(700);
  shutdownSignalled = true;
  draining.child.kill('SIGTERM');
  await inFlight;
  const code = await draining.exited;
  if (code !== 0) tally.failures.push(`exit code ${code}`);
  const answeredByGateway = [...tally.byStatus.values()].reduce((sum, count) => sum + count, 0);
  const counts = shutdownCounts(draining);
  if (!counts) tally.failures.push("no 'stopped' line with the gateway's request counts");
  else {
    tally.notes.push(
      `the gateway read ${counts.received}, answered ${counts.answered}, abandoned ${counts.abandoned}; the clients got ${answeredByGateway} answers`,
    );
    if (counts.answered !== counts.received || counts.abandoned !== 0)
      tally.failures.push(`the gateway read ${counts.received} requests but answered ${counts.answered}`);
    if (counts.answered !== answeredByGateway)
      tally.failures.push(`the gateway answered ${counts.answered} requests, the clients got ${answeredByGateway}`);
  }
  // Requests refused or reset by the closing listener never reached the application (the counts
  // above show it): no answer is owed.
  tally.notes.push(`${tally.refused} requests refused or reset by the closing listener (never read by the gateway)`);
  tally.refused = 0;
}

async function main(): Promise<void> {
  const started = Date.now();
  const emulator = await startEmulator({ seed: loadSeed() });
  const settings = {
    RATE_LIMIT_PER_MINUTE: '100000',
    // Three 1 s attempts and the SDK's worst-case back-off (3 s) fit the deadline, as start-up requires.
    UPSTREAM_TIMEOUT_MS: '6000',
    UPSTREAM_ATTEMPT_TIMEOUT_MS: '1000',
    LOG_LEVEL: 'warn',
  };
  const gateway = await startGatewayProcess(settings, emulator, [
    ...nodeFlags,
    '--expose-gc',
    '--require',
    `${__dirname}/gc-on-signal.cjs`,
  ]);
  spawned.push(gateway);
  await waitReady(gateway);

  const tallies: Tally[] = [];
  for (const { name, run } of SCENARIOS) {
    const tally = newTally(name);
    await run({ emulator, gateway, settings }, tally);
    tallies.push(tally);
  }
  await emulator.close();
  report(tallies, (Date.now() - started) / 1000);
}

/** The request counts of the gateway's last log line, `stopped`. */
function shutdownCounts(
  gateway: GatewayProcess,
): { received: number; answered: number; abandoned: number } | undefined {
  const line = gateway
    .output()
    .stdout.split('\n')
    .find((text) => text.includes('"msg":"stopped"'));
  return line
    ? (JSON.parse(line) as { requests: { received: number; answered: number; abandoned: number } }).requests
    : undefined;
}

function report(tallies: Tally[], seconds: number): void {
  const rows = tallies.map((tally) => {
    const ok =
      tally.unanswered === 0 && tally.refused === 0 && tally.malformed.length === 0 && tally.failures.length === 0;
    const answers = [...tally.byStatus]
      .sort(([a], [b]) => a - b)
      .map(([status, count]) => `${status}:${count}`)
      .join(' ');
    return { ...tally, unanswered: tally.unanswered + tally.refused, answers, verdict: ok ? 'PASS' : 'FAIL' };
  });
  const width = Math.max(...rows.map((row) => row.scenario.length));
  process.stdout.write(
    `\n${'scenario'.padEnd(width)}  requests  answers by status               unanswered  malformed  verdict\n`,
  );
  for (const row of rows) {
    process.stdout.write(
      `${row.scenario.padEnd(width)}  ${String(row.sent).padStart(8)}  ${row.answers.padEnd(30)}  ${String(row.unanswered).padStart(10)}  ${String(row.malformed.length).padStart(9)}  ${row.verdict}\n`,
    );
    for (const line of [...row.failures, ...row.malformed.slice(0, 3), ...row.notes])
      process.stdout.write(`    ${line}\n`);
  }
  const failed = rows.filter((row) => row.verdict === 'FAIL').length;
  process.stdout.write(`\n${rows.length - failed} passed, ${failed} failed (${seconds.toFixed(0)} s)\n`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`reliability suite failed to run: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
