import type { ServerResponse } from 'node:http';
import { isSpanContextValid, trace, type Attributes } from '@opentelemetry/api';
import type { RequestHandler, Response } from 'express';
import { principalOf } from '../domain/caller';
import './locals';

// The request's trace, as the HTTP edge sees it. Without a tracer (tracing off) there is no active
// span, and none of this does anything.

/** The first middleware: keeps the request's server span, which every later step can then reach. */
export const rememberServerSpan: RequestHandler = (_req, res, next) => {
  const span = trace.getActiveSpan();
  if (span !== undefined) res.locals.span = span;
  next();
};

/** The trace id of the request, for the problem document; undefined when nothing traces it. */
export function traceIdOf(res: Response): string | undefined {
  const context = res.locals.span?.spanContext();
  return context !== undefined && isSpanContextValid(context) ? context.traceId : undefined;
}

/** What the server span says of the answer, once it is decided: the caller, and the problem if any. */
export function serverSpanAttributes(res: ServerResponse): Attributes {
  const { locals } = res as Response;
  const attributes: Attributes = {};
  if (locals.caller !== undefined) {
    attributes['enduser.id'] = principalOf(locals.caller);
  }
  if (locals.problemType !== undefined) attributes['gateway.problem.type'] = locals.problemType;
  if (locals.upstreamCode !== undefined) attributes['aws.error.code'] = locals.upstreamCode;
  return attributes;
}
