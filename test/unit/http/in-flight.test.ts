import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createInFlightRequests } from '../../../src/http/in-flight';

describe('createInFlightRequests', () => {
  it('counts requests read, answered, and abandoned by a client that went away first', async () => {
    const inFlight = createInFlightRequests();
    const app = express();
    app.use(inFlight.track);
    app.get('/answered', (_req, res) => res.json({ ok: true }));
    app.get('/never', () => undefined);
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      await fetch(`http://127.0.0.1:${port}/answered`).then((res) => res.text());
      await fetch(`http://127.0.0.1:${port}/answered`).then((res) => res.text());
      const abandoned = http.get(`http://127.0.0.1:${port}/never`);
      abandoned.on('error', () => undefined);
      while (inFlight.size() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      abandoned.destroy();
      await inFlight.drained();

      expect(inFlight.totals()).toEqual({ received: 3, answered: 2, abandoned: 1 });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
