import http from 'node:http';
import type { RequestListener } from 'node:http';
import type { HttpServerOptions } from './server-settings';

/**
 * The HTTP server around the app, with limits on what slow and idle clients may hold: a header
 * trickle is cut at `headersTimeoutMs`, a slow body at `requestTimeoutMs`, an idle kept-alive socket
 * at `keepAliveTimeoutMs`, and no more than `maxConnections` sockets are open at once.
 *
 * `Expect: 100-continue` is not answered here: the app sends `100 Continue` only once the caller is
 * authenticated and its body is about to be read, so that an unknown caller never gets to send one.
 */
export function createHttpServer(app: RequestListener, options: HttpServerOptions): http.Server {
  const server = http.createServer(
    {
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      // Node checks the two timeouts above only this often (30 s by default): a trickle would
      // otherwise hold its socket up to that much longer.
      connectionsCheckingInterval: Math.min(1_000, options.headersTimeoutMs),
    },
    app,
  );
  server.maxConnections = options.maxConnections;
  server.on('checkContinue', (req, res) => server.emit('request', req, res));
  return server;
}
