import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { MetadataBearer, Pluggable } from '@smithy/types';
import type { AwsTarget } from '../aws/settings';
import { GATEWAY_VERSION } from '../version';
import { endedAfter } from './ended-after';

// The AWS calls' spans, made by two middlewares on each SDK client (aws/clients.ts adds them when
// tracing is on): one span per command (`Redshift.RegisterNamespace`, the `rpc.*` attributes and
// AWS's request id) and, under it, one per HTTP attempt, so that a retried call shows each try. The
// maintained instrumentations of the SDK and of node:http made the same tree for about three times the
// CPU (docs/performance.md): they patch every module and bind every emitter, where this costs two spans.

const tracer = trace.getTracer('redshift-namespace-gateway', GATEWAY_VERSION);

/** What an SDK error carries about the call. */
type CallMetadata = Partial<MetadataBearer>;

/** The parts of the SDK's HttpRequest and HttpResponse an attempt's span reads. */
interface HttpRequestLike {
  readonly method: string;
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number;
  readonly path: string;
  readonly headers: Record<string, string>;
}

function failed(span: Span, error: unknown): void {
  const { name, message, $metadata } = (error ?? {}) as Partial<Error> & CallMetadata;
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.setAttribute('error.type', name ?? 'Error');
  if ($metadata?.requestId) span.setAttribute('aws.request_id', $metadata.requestId);
  if ($metadata?.httpStatusCode) span.setAttribute('http.response.status_code', $metadata.httpStatusCode);
}

/** The span of each command of a client of `serviceId` (`Redshift`, `STS`, …) for `target`, and of each of its HTTP attempts. */
export function awsSpans<Input extends object, Output extends MetadataBearer>(
  serviceId: string,
  target: Pick<AwsTarget, 'name' | 'accountId' | 'region'>,
): Pluggable<Input, Output> {
  return {
    applyToStack(stack) {
      stack.add(
        (next, { commandName }) =>
          async (args) => {
            const method = commandName?.replace(/Command$/, '') ?? 'Unknown';
            const span = tracer.startSpan(`${serviceId}.${method}`, { kind: SpanKind.CLIENT });
            // Set once started: see http/trace-context.ts.
            if (span.isRecording()) {
              span.setAttributes({
                'rpc.system': 'aws-api',
                'rpc.service': serviceId,
                'rpc.method': method,
                'cloud.region': target.region,
                'cloud.account.id': target.accountId,
                'gateway.target': target.name,
              });
            }
            // Active while the SDK works: the attempts, and an AssumeRole to refresh credentials, are its children.
            return endedAfter(
              span,
              () => context.with(trace.setSpan(context.active(), span), () => next(args)),
              (result) => {
                const { requestId, httpStatusCode } = result.output.$metadata;
                if (requestId) span.setAttribute('aws.request_id', requestId);
                if (httpStatusCode) span.setAttribute('http.response.status_code', httpStatusCode);
              },
              failed,
            );
          },
        // Outermost: the span covers the whole call, retries and their back-off included.
        { step: 'initialize', priority: 'high', name: 'gatewayCommandSpan' },
      );
      stack.add(
        (next) => async (args) => {
          const request = args.request as HttpRequestLike;
          const span = tracer.startSpan(request.method, { kind: SpanKind.CLIENT });
          if (span.isRecording()) {
            span.setAttributes({
              'http.request.method': request.method,
              'server.address': request.hostname,
              ...(request.port !== undefined && { 'server.port': request.port }),
              'url.full': `${request.protocol}//${request.hostname}${request.port === undefined ? '' : `:${request.port}`}${request.path}`,
            });
          }
          // W3C propagation onwards, as node:http's instrumentation did: after signing, so unsigned.
          propagation.inject(trace.setSpan(context.active(), span), request.headers);
          return endedAfter(
            span,
            () => next(args),
            (result) => {
              const { statusCode } = result.response as { statusCode: number };
              span.setAttribute('http.response.status_code', statusCode);
              if (statusCode >= 400) {
                span.setStatus({ code: SpanStatusCode.ERROR });
                span.setAttribute('error.type', String(statusCode));
              }
            },
            failed,
          );
        },
        // Innermost, after signing and before the deserializer: one HTTP exchange, with its raw status.
        { step: 'deserialize', priority: 'low', name: 'gatewayAttemptSpan' },
      );
    },
  };
}
