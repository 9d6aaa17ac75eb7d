import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { faultsSchema } from './faults';
import type { EmulatorState } from './state';

// The emulator's control API (`/_emulator/*`), for tests and for trying failures by hand.

/** Calls since the last reset by action, and connections accepted since start. */
export function callStats(
  state: EmulatorState,
  connections: number,
): { connections: number; calls: Record<string, number> } {
  const byAction: Record<string, number> = {};
  for (const call of state.calls) byAction[call.action] = (byAction[call.action] ?? 0) + 1;
  return { connections, calls: byAction };
}

export function control(
  state: EmulatorState,
  connections: () => number,
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
): void {
  const json = (status: number, value: unknown): void => {
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
  };
  const route = `${req.method} ${req.url?.split('?')[0]}`;
  switch (route) {
    case 'GET /_emulator/calls':
      return json(200, state.calls);
    case 'DELETE /_emulator/calls':
      state.calls.length = 0;
      return json(200, state.calls);
    case 'GET /_emulator/stats':
      return json(200, callStats(state, connections()));
    case 'GET /_emulator/faults':
      return json(200, state.faults);
    case 'PUT /_emulator/faults': {
      const parsed = faultsSchema.safeParse(safeJson(body));
      if (!parsed.success) return json(400, { error: z.prettifyError(parsed.error) });
      state.faults = { ...state.faults, ...parsed.data };
      return json(200, state.faults);
    }
    case 'POST /_emulator/credentials/expire':
      state.expireIssuedCredentials();
      return json(200, { expired: state.issued.size });
    case 'POST /_emulator/reset':
      state.reset();
      return json(200, { reset: true });
    default:
      return json(404, { error: `no control route ${route}` });
  }
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
