import type { ErrorRequestHandler } from 'express';
import { UpstreamError } from '../domain/errors';
import './locals';
import { toProblem } from './problem';

/**
 * The last middleware: every error becomes one application/problem+json answer. Logging is left to
 * the access log line (pino-http), which carries the error and its stack for 5xx answers.
 */
export const errorHandler: ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (res.headersSent) {
    // Too late for a problem answer: let Express end the connection.
    next(error);
    return;
  }
  const problem = toProblem(error, {
    instance: req.originalUrl.split('?')[0] ?? '/',
    requestId: res.get('X-Request-Id') ?? '',
  });
  if (problem.status >= 500) res.err = error instanceof Error ? error : new Error(String(error));
  if (error instanceof UpstreamError && error.upstream) res.locals.upstreamCode = error.upstream.code;
  res.status(problem.status).set(problem.headers).type('application/problem+json').json(problem.body);
};
