import { defineSection, variable } from '../env/variable';
import { integer, nonEmpty } from '../env/parsers';

/** Where the gateway listens, Node's limits on slow or idle clients, and the shutdown budget. */
export interface HttpServerOptions {
  readonly port: number;
  readonly host: string;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxConnections: number;
  /** On SIGTERM or SIGINT, how long requests in flight may take before they are answered 503. */
  readonly shutdownTimeoutMs: number;
}

export const HTTP_SERVER_SETTINGS = defineSection({
  title: 'HTTP server',
  variables: {
    PORT: variable('Port to listen on; 0 picks a free one.', integer(0, 65535), { default: '8080' }),
    HOST: variable('Address to listen on.', nonEmpty, { default: '0.0.0.0', local: '127.0.0.1' }),
    SHUTDOWN_TIMEOUT_MS: variable(
      'On SIGTERM or SIGINT, how long requests in flight may take to finish before they are answered 503 (0 to 600000 ms).',
      integer(0, 600000),
      { default: '25000' },
    ),
    HTTP_HEADERS_TIMEOUT_MS: variable(
      'A client must send its request headers within this time (1000 to 120000 ms, not above HTTP_REQUEST_TIMEOUT_MS); a slower socket is answered 408 and closed.',
      integer(1000, 120000),
      { default: '10000' },
    ),
    HTTP_REQUEST_TIMEOUT_MS: variable(
      'A client must send its whole request within this time (1000 to 600000 ms); a slower socket is answered 408 and closed.',
      integer(1000, 600000),
      { default: '30000' },
    ),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: variable(
      'How long an idle kept-alive connection stays open (1000 to 600000 ms). Keep it above the idle timeout of a load balancer in front (60 s on AWS ALB), so that the balancer closes first.',
      integer(1000, 600000),
      { default: '65000' },
    ),
    HTTP_MAX_CONNECTIONS: variable('Open connections at most (1 to 100000); more are refused.', integer(1, 100000), {
      default: '1024',
    }),
  },
  build: (v, check): HttpServerOptions => {
    if (
      check.parsed('HTTP_HEADERS_TIMEOUT_MS', 'HTTP_REQUEST_TIMEOUT_MS') &&
      v.HTTP_HEADERS_TIMEOUT_MS > v.HTTP_REQUEST_TIMEOUT_MS
    ) {
      check.problem('HTTP_HEADERS_TIMEOUT_MS must not be more than HTTP_REQUEST_TIMEOUT_MS');
    }
    return {
      port: v.PORT,
      host: v.HOST,
      shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
      headersTimeoutMs: v.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: v.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: v.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: v.HTTP_MAX_CONNECTIONS,
    };
  },
});
