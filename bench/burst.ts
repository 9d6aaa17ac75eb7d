// `npm run bench:burst`: the AWS API budget under a burst (#25). Two gateway replicas (built, started
// as `npm start` starts them) share one real redis-server; the emulator throttles each account's writes
// at RATE calls a second, as AWS does. Three callers, one sending ten times as many registrations as
// each of the others, all at once and all with `Prefer: wait`. Printed PASS/FAIL lines, JSON under
// bench/results/. The same run is made again with redis-server killed half way.
//
//   --ci   a fifth of the registrations; fails only on a gross regression (lost answers, 5xx, throttling
//          above 5 %, or more than twice the ideal time)
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { mkdirSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator, type Emulator } from '../test/emulator/emulator';
import { emulatorEnv } from '../test/emulator/gateway-env';
import { loadSeed } from '../test/emulator/seed';
import { freePort } from '../test/helpers/gateway-process';
import { startRedisServer, type RedisServer } from '../test/helpers/redis-server';
import { productionStart } from '../test/helpers/start-command';

const ROOT = `${__dirname}/..`;
const CI = process.argv.includes('--ci');
const RATE = 10;
const TOTAL = CI ? 120 : 600;
const REPLICAS = 2;
const WAIT_SECONDS = 150;
const CALLERS = [
  { name: 'heavy', share: 10 },
  { name: 'light-a', share: 1 },
  { name: 'light-b', share: 1 },
] as const;
const seed = loadSeed();
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
// Each registration its own consumer account: 600 different registrations of one cluster.
const bodyOf = (index: number) =>
  JSON.stringify({
    NamespaceIdentifier: { ProvisionedIdentifier: { ClusterIdentifier: 'analytics-prod' } },
    ConsumerIdentifiers: [`DataCatalog/${String(100000000000 + index)}`],
  });

interface Answer {
  caller: string;
  status: number;
  seconds: number;
}

async function startReplica(
  redis: RedisServer,
  emulator: Emulator,
  logFile: string,
): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const { nodeFlags, entry } = productionStart();
  const child = spawn(process.execPath, [...nodeFlags, entry], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      ...emulatorEnv(emulator.url, seed),
      API_KEYS: CALLERS.map(({ name }) => `${name}:${sha256(`${name}-key`)}`).join(','),
      AUTHZ_ALLOW_ALL: 'true',
      REDIS_URL: redis.url,
      RATE_LIMIT_PER_MINUTE: '100000',
      UPSTREAM_BUDGET_WRITES_PER_SECOND: String(RATE),
      UPSTREAM_BUDGET_REPLICAS: String(REPLICAS),
      REGISTRATION_WAIT_MAX_SECONDS: String(WAIT_SECONDS + 30),
      REGISTRATION_MAX_WAITING: String(TOTAL),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')],
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`a replica exited; see ${logFile}`);
    if (
      (await fetch(`${url}/readyz`).then(
        (res) => res.status,
        () => 0,
      )) === 200
    )
      break;
    await sleep(20);
  }
  return { child, url };
}

/** Every caller's registrations at once, spread over the replicas; each answer with its time. */
async function burst(urls: string[], onHalfway: () => Promise<void>): Promise<{ answers: Answer[]; seconds: number }> {
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const unit = TOTAL / CALLERS.reduce((sum, caller) => sum + caller.share, 0);
  const started = performance.now();
  let halfway: Promise<void> | undefined;
  let sent = 0;
  const send = (caller: string, index: number) =>
    new Promise<Answer>((resolve) => {
      const req = http.request(
        `${urls[index % urls.length]}/namespaces/registrations`,
        {
          method: 'POST',
          agent,
          headers: {
            Authorization: `Bearer ${caller}-key`,
            'Content-Type': 'application/json',
            Prefer: `wait=${WAIT_SECONDS}`,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve({ caller, status: res.statusCode ?? 0, seconds: (performance.now() - started) / 1000 }),
          );
        },
      );
      req.on('error', () => resolve({ caller, status: 0, seconds: (performance.now() - started) / 1000 }));
      req.end(bodyOf((sent += 1)));
    });
  const timer = setTimeout(
    () => {
      halfway = onHalfway();
    },
    ((TOTAL / RATE) * 1000) / 2,
  );
  const answers = await Promise.all(
    CALLERS.flatMap(({ name, share }) => Array.from({ length: Math.round(unit * share) }, (_, i) => send(name, i))),
  );
  clearTimeout(timer);
  await halfway;
  agent.destroy();
  return { answers, seconds: (performance.now() - started) / 1000 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** The most RegisterNamespace calls the emulator saw in any one second from `from` (ms since epoch). */
function busiestSecond(emulator: Emulator, from: number): number {
  const times = emulator
    .calls()
    .filter((call) => call.action === 'RegisterNamespace' && Date.parse(call.at) >= from)
    .map((call) => Date.parse(call.at))
    .sort((a, b) => a - b);
  let most = 0;
  for (let start = 0, end = 0; end < times.length; end += 1) {
    while (times[end]! - times[start]! >= 1000) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

async function run(killRedisHalfway: boolean, work: string) {
  const redis = await startRedisServer();
  const emulator = await startEmulator({
    seed,
    faults: { accountRateLimits: [{ family: 'write', perSecond: RATE }], registrationDelayMs: 500 },
  });
  const replicas: { child: ChildProcess; url: string }[] = [];
  try {
    for (let i = 0; i < REPLICAS; i += 1) {
      replicas.push(
        await startReplica(redis, emulator, `${work}/replica-${i}-${killRedisHalfway ? 'kill' : 'shared'}.log`),
      );
    }
    return await measure(killRedisHalfway, redis, emulator, replicas);
  } finally {
    // Whatever happened: nothing left running.
    for (const replica of replicas) replica.child.kill('SIGTERM');
    await Promise.all(
      replicas.map(
        (replica) =>
          new Promise((resolve) =>
            replica.child.exitCode !== null ? resolve(null) : replica.child.once('exit', resolve),
          ),
      ),
    );
    await emulator.close();
    await redis.stop();
  }
}

async function measure(
  killRedisHalfway: boolean,
  redis: RedisServer,
  emulator: Emulator,
  replicas: { child: ChildProcess; url: string }[],
) {
  let killedAt: number | undefined;
  const { answers, seconds } = await burst(
    replicas.map((replica) => replica.url),
    async () => {
      if (!killRedisHalfway) return;
      killedAt = Date.now();
      await redis.stop();
    },
  );
  const writes = emulator.calls().filter((call) => call.action === 'RegisterNamespace');
  const result = {
    killRedisHalfway,
    registrations: answers.length,
    seconds,
    idealSeconds: TOTAL / RATE,
    awsCalls: writes.length,
    throttled: writes.filter((call) => call.code === 'Throttling').length,
    lost: answers.filter((answer) => answer.status === 0).length,
    serverErrors: answers.filter((answer) => answer.status >= 500).length,
    statuses: Object.fromEntries(
      [...new Set(answers.map((answer) => answer.status))].map((status) => [
        status,
        answers.filter((a) => a.status === status).length,
      ]),
    ),
    medianSeconds: Object.fromEntries(
      CALLERS.map(({ name }) => [
        name,
        median(answers.filter((answer) => answer.caller === name).map((answer) => answer.seconds)),
      ]),
    ),
    busiestSecondAfterKill: killedAt === undefined ? undefined : busiestSecond(emulator, killedAt),
  };
  return result;
}

async function main(): Promise<void> {
  const work = mkdtempSync(`${tmpdir()}/gateway-burst-`);
  console.log(
    `Node.js ${process.version}; ${REPLICAS} replicas, one redis-server, the emulator throttling writes at ${RATE}/s; ${TOTAL} registrations with Prefer: wait, callers ${CALLERS.map((c) => `${c.name}×${c.share}`).join(', ')}`,
  );
  const shared = await run(false, work);
  const killed = await run(true, work);
  for (const result of [shared, killed]) console.log(JSON.stringify(result));

  const lightRatio =
    Math.max(shared.medianSeconds['light-a']!, shared.medianSeconds['light-b']!) / shared.medianSeconds.heavy!;
  // Fallback: each replica at RATE ÷ REPLICAS; a closed one-second window can hold one call more than that per replica.
  const fallbackCeiling = RATE + REPLICAS;
  const checks: [string, boolean, boolean][] = [
    // [line, pass, pass in CI's short form]
    [
      `ThrottlingException ${shared.throttled} of ${shared.awsCalls} calls (${((100 * shared.throttled) / shared.awsCalls).toFixed(1)} %) <= 1 %`,
      shared.throttled <= shared.awsCalls * 0.01,
      shared.throttled <= shared.awsCalls * 0.05,
    ],
    [
      `5xx answers to callers: ${shared.serverErrors}; lost: ${shared.lost}`,
      shared.serverErrors === 0 && shared.lost === 0,
      shared.serverErrors === 0 && shared.lost === 0,
    ],
    [
      `time to the last answer ${shared.seconds.toFixed(1)} s <= 1.15 × ideal ${shared.idealSeconds} s`,
      shared.seconds <= 1.15 * shared.idealSeconds,
      shared.seconds <= 2 * shared.idealSeconds,
    ],
    [
      `light callers' median ${(lightRatio * shared.medianSeconds.heavy!).toFixed(1)} s <= 0.3 × heavy's ${shared.medianSeconds.heavy!.toFixed(1)} s (${lightRatio.toFixed(2)})`,
      lightRatio <= 0.3,
      lightRatio <= 0.6,
    ],
    [
      `Redis killed half way: lost ${killed.lost}, 5xx ${killed.serverErrors}, throttled ${killed.throttled}`,
      killed.lost === 0 && killed.serverErrors === 0 && killed.throttled <= killed.awsCalls * 0.01,
      killed.lost === 0 && killed.serverErrors === 0,
    ],
    [
      `Redis killed half way: busiest second at AWS ${killed.busiestSecondAfterKill} calls <= the replicas' shares ${RATE}/s (+1 a replica at a window's edge)`,
      (killed.busiestSecondAfterKill ?? Infinity) <= fallbackCeiling,
      (killed.busiestSecondAfterKill ?? Infinity) <= 2 * RATE,
    ],
  ];
  if (CI) {
    console.log(
      "CI's short form: each line is judged at its gross-regression bound (throttling <= 5 %, <= 2 × ideal, light <= 0.6 × heavy, busiest second <= 2 × rate)",
    );
  }
  for (const [line, pass, passInCi] of checks) console.log(`${(CI ? passInCi : pass) ? 'PASS' : 'FAIL'} ${line}`);

  mkdirSync(`${ROOT}/bench/results`, { recursive: true });
  const file = `${ROOT}/bench/results/burst-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, `${JSON.stringify({ node: process.version, ci: CI, shared, killed, checks }, null, 2)}\n`);
  console.log(`results: ${file}`);
  if (CI && checks.some(([, , passInCi]) => !passInCi)) process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
