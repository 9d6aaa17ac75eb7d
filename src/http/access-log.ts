import type { IncomingMessage, ServerResponse } from 'node:http';
import type express from 'express';
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { principalOf } from '../domain/caller';
import type { Logger } from '../logger';
import './locals';
import { assignRequestId } from './middleware/request-id';
import { isQuietPath } from './quiet-paths';
import { routeTemplate } from './route-template';

/** What pino-http hands a `req` serializer: its own summary of the request, and the request itself. */
interface SerializedRequest {
  method: string;
  url: string;
  raw: express.Request;
}

/**
 * One access line per request (pino-http), with the request id it assigns, the caller, the route
 * template, the status, the duration and, when AWS caused the answer, its code. 4xx lines are
 * `warn`, 5xx `error`. No headers and no query values: they can carry credentials.
 */
export function createAccessLog(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: assignRequestId,
    quietReqLogger: true,
    autoLogging: { ignore: (req) => isQuietPath(req.url) },
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    serializers: {
      // Method, URL and client are what the access line needs of the request. Headers stay out: they
      // cost a serialization on every request and can carry credentials (redacted all the same,
      // should a later change log them).
      req: (req: SerializedRequest) => ({
        method: req.method,
        url: redactQuery(req.url),
        client: req.raw.ip,
        userAgent: req.raw.headers['user-agent'],
      }),
      // The status is what the access line needs of the response; its headers are noise.
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customSuccessObject: (req, res, fields: object) => ({ ...fields, ...accessFields(req, res) }),
    customErrorObject: (req, res, _error, fields: object) => ({ ...fields, ...accessFields(req, res) }),
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
  });
}

/** Query strings can carry credentials pasted by mistake (`?api_key=…`): the log keeps only their names. */
function redactQuery(url: string): string {
  const query = url.indexOf('?');
  if (query === -1) return url;
  const names = url
    .slice(query + 1)
    .split('&')
    .map((pair) => `${pair.split('=')[0]}=[redacted]`);
  return `${url.slice(0, query)}?${names.join('&')}`;
}

function accessFields(req: IncomingMessage, res: ServerResponse): Record<string, unknown> {
  const { locals } = res as express.Response;
  return {
    caller: locals?.caller && principalOf(locals.caller),
    target: locals?.awsTarget,
    route: routeTemplate(req),
    upstreamCode: locals?.upstreamCode,
  };
}
