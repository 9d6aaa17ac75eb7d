import type { ErrorRequestHandler, Request, Response } from 'express';
import { UpstreamError } from '../domain/errors';
import './locals';
import { toProblem } from './problem';
import { traceIdOf } from './trace-context';

/**
 * Answers `error` as one application/problem+json response. Logging is left to the access log
 * line (pino-http), which carries the error and its stack for 5xx answers.
 */
export function sendProblem(req: Request, res: Response, error: unknown): void {
  const problem = toProblem(error, {
    instance: req.originalUrl.split('?')[0] ?? '/',
    requestId: res.get('X-Request-Id') ?? '',
    traceId: traceIdOf(res),
  });
  res.locals.problemType = problem.body.type;
  if (problem.status >= 500) res.err = error instanceof Error ? error : new Error(String(error));
  // A refused request whose body is still coming (401, 413, 415, ...): close the connection after the
  // answer, rather than let Node read the rest of a body nobody wants.
  if (!req.complete && hasBody(req)) res.set('Connection', 'close');
  if (error instanceof UpstreamError && error.upstream) res.locals.upstreamCode = error.upstream.code;
  res.status(problem.status).set(problem.headers).type('application/problem+json').json(problem.body);
}

function hasBody(req: Request): boolean {
  return req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? 0) > 0;
}

/** The last middleware: every error becomes one problem answer. */
export const errorHandler: ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (res.headersSent) {
    // Too late for a problem answer (shutdown answered it already, or a stream broke): let Express end it.
    next(error);
    return;
  }
  sendProblem(req, res, error);
};
