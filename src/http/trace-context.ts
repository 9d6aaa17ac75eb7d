import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';
import type { RequestHandler, Response } from 'express';
import { principalOf } from '../domain/caller';
import { GATEWAY_VERSION } from '../version';
import './locals';
import { isQuietPath } from './quiet-paths';
import { routeTemplate } from './route-template';

// The request's trace, as the HTTP edge sees it. Without a tracer (tracing off) there is no span, and
// none of this does anything.

const tracer = trace.getTracer('redshift-namespace-gateway', GATEWAY_VERSION);

/**
 * The first middleware when tracing is on: the request's server span, under the caller's trace when
 * it sent a W3C `traceparent` (and `tracestate`), active for everything that handles the request and
 * kept on `res.locals.span`. It ends when the connection is done with the answer. Probes and scrapes
 * are frequent and carry nothing worth a trace (as in the access log). The gateway makes this span
 * itself: node:http's instrumentation cost more CPU than the rest of tracing together
 * (docs/performance.md).
 */
export const traceRequests: RequestHandler = (req, res, next) => {
  if (isQuietPath(req.url)) {
    next();
    return;
  }
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = tracer.startSpan(req.method, { kind: SpanKind.SERVER }, parent);
  // Set once started, not given to startSpan, which copies and checks them three times for samplers
  // that read attributes (none of OTEL_TRACES_SAMPLER's does); and not even read for a span sampled out.
  if (span.isRecording()) {
    span.setAttributes({
      'http.request.method': req.method,
      'url.scheme': req.protocol,
      'url.path': req.path,
      'network.protocol.version': req.httpVersion,
      'client.address': req.ip,
      'user_agent.original': req.headers['user-agent'],
    });
  }
  res.locals.span = span;
  res.once('close', () => endServerSpan(span, req, res));
  context.with(trace.setSpan(parent, span), next);
};

/**
 * What the server span says once the connection is done with the answer: named by the route template
 * that matched (`POST /namespaces/registrations`, never the raw path), the status, the caller, and the
 * problem if any.
 */
function endServerSpan(span: Span, req: IncomingMessage, res: ServerResponse): void {
  const { locals } = res as Response;
  const route = routeTemplate(req);
  const attributes: Attributes = {};
  if (route !== undefined) {
    span.updateName(`${req.method ?? 'GET'} ${route}`);
    attributes['http.route'] = route;
  }
  if (locals.caller !== undefined) attributes['enduser.id'] = principalOf(locals.caller);
  if (locals.awsTarget !== undefined) attributes['gateway.target'] = locals.awsTarget;
  if (locals.problemType !== undefined) attributes['gateway.problem.type'] = locals.problemType;
  if (locals.upstreamCode !== undefined) attributes['aws.error.code'] = locals.upstreamCode;
  if (!res.writableFinished) {
    // The connection closed before the answer was sent: the caller went away, or the gateway gave up.
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'the connection closed before the answer was sent' });
  } else {
    attributes['http.response.status_code'] = res.statusCode;
    if (res.statusCode >= 500) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      attributes['error.type'] = String(res.statusCode);
    }
  }
  span.setAttributes(attributes);
  span.end();
}

/** The trace id of the request, for the problem document; undefined when nothing traces it. */
export function traceIdOf(res: Response): string | undefined {
  const context = res.locals.span?.spanContext();
  return context !== undefined && isSpanContextValid(context) ? context.traceId : undefined;
}
