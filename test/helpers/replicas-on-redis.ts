import { startEmulator, type Emulator } from '../emulator/emulator';
import { startGatewayProcess, waitForOutput, type GatewayProcess } from './gateway-process';
import { seed } from './local-stack';
import { startRedisServer, type RedisServer } from './redis-server';

/** What a suite of replicas on Redis works with, set once its `beforeAll` has run. */
export interface ReplicasOnRedis {
  redis: RedisServer;
  emulator: Emulator;
  /** Two gateway processes, each with REDIS_URL and `env`. */
  replicas: [GatewayProcess, GatewayProcess];
}

/**
 * Two replicas of the gateway (real processes) sharing one throw-away redis-server, in front of the
 * emulator, for the suite this is called in: started before it, each once it has logged `connected`
 * (until its first connection a replica counts alone, as with Redis down), and stopped after it.
 */
export function replicasOnRedis(env: Record<string, string>, connected: string): ReplicasOnRedis {
  const stack = {} as ReplicasOnRedis;
  beforeAll(async () => {
    stack.redis = await startRedisServer();
    stack.emulator = await startEmulator({ seed });
    const start = () => startGatewayProcess({ REDIS_URL: stack.redis.url, LOG_LEVEL: 'info', ...env }, stack.emulator);
    stack.replicas = await Promise.all([start(), start()]);
    await Promise.all(stack.replicas.map((replica) => waitForOutput(replica, connected)));
  }, 30_000);
  afterAll(async () => {
    for (const replica of stack.replicas ?? []) replica.child.kill('SIGTERM');
    await Promise.all((stack.replicas ?? []).map((replica) => replica.exited));
    await stack.emulator?.close();
    await stack.redis?.stop();
  }, 30_000);
  return stack;
}
