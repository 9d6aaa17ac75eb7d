import type { IncomingMessage, ServerResponse } from 'node:http';
import { isSpanContextValid, trace, type Attributes, type Span } from '@opentelemetry/api';
import type { RequestHandler, Response } from 'express';
import { principalOf } from '../domain/caller';
import './locals';
import { routeTemplate } from './route-template';

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

/**
 * What the server span says once the answer is decided: named by the route template that matched
 * (`POST /namespaces/registrations`, never the raw path), the caller, and the problem if any.
 */
export function describeServerSpan(span: Span, req: IncomingMessage, res: ServerResponse): void {
  const route = routeTemplate(req);
  if (route !== undefined) {
    span.updateName(`${req.method ?? 'GET'} ${route}`);
    span.setAttribute('http.route', route);
  }
  span.setAttributes(answerAttributes(res as Response));
}

function answerAttributes({ locals }: Response): Attributes {
  const attributes: Attributes = {};
  if (locals.caller !== undefined) {
    attributes['enduser.id'] = principalOf(locals.caller);
  }
  if (locals.problemType !== undefined) attributes['gateway.problem.type'] = locals.problemType;
  if (locals.upstreamCode !== undefined) attributes['aws.error.code'] = locals.upstreamCode;
  return attributes;
}
