import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { freePort } from './gateway-process';

const BINARY = process.env.REDIS_SERVER ?? 'redis-server';

/** Whether a redis-server binary can be run here. */
export const redisAvailable = spawnSync(BINARY, ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * Describes a Redis suite: it runs where redis-server exists; elsewhere it is skipped with one line
 * saying how to run it, except under CI=true, where a missing Redis fails the run instead.
 */
export function describeWithRedis(name: string, body: () => void): void {
  if (!redisAvailable && process.env.CI !== 'true') {
    process.stdout.write(
      `Redis tests skipped: no ${BINARY} on PATH (apt-get install redis-server, or set REDIS_SERVER)\n`,
    );
    describe.skip(name, body);
    return;
  }
  describe(name, body);
}

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Starts it again on the same port, with the data it had gone. */
  restart(): Promise<void>;
}

/** A throw-away redis-server on a loopback port, without persistence. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(BINARY, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 100; i += 1) {
      if (await answersPing(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server did not start on port ${port}`);
  };
  const stop = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, stop, restart: start };
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}
