import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as TraceSdk from '@opentelemetry/sdk-trace-node';
import type { TracingOptions } from './settings';
import { isQuietPath } from '../http/quiet-paths';
import { describeServerSpan } from '../http/trace-context';
import type { Logger } from '../logger';
import { GATEWAY_VERSION } from '../version';

/** Spans pending when requests took the whole shutdown budget still get this long to leave. */
export const TRACE_FLUSH_MIN_MS = 1000;

/** A running tracer: spans are batched and exported until `shutdown` flushes what is pending. */
export interface Tracing {
  /**
   * Exports the spans still pending, waiting at most `timeoutMs`; never rejects. Spans that could not
   * leave (a collector down or slow) are logged as dropped: they never hold the exit up longer.
   */
  shutdown(timeoutMs: number): Promise<void>;
}

/**
 * Starts OpenTelemetry: the W3C trace-context propagator, the OTLP/HTTP exporter, and the
 * instrumentations of node:http (server and client spans; each attempt of an AWS call is one) and the
 * AWS SDK (one span per command, `rpc.*` and `aws.request_id`). Express's instrumentation is left out:
 * its span per route handler told nothing the server span does not, for about a fifth of tracing's
 * CPU (docs/performance.md); the server span gets its route template from Express's match instead.
 *
 * Must run before express, node:http's users or the AWS SDK clients are loaded: the instrumentations
 * patch modules as they are required. main.ts loads the rest of the gateway after this. The SDK's
 * modules are loaded here, on demand, so that a gateway without tracing never loads them.
 */
export async function startTracing(options: TracingOptions, logger: Logger): Promise<Tracing> {
  const [
    { context, diag, DiagLogLevel, ROOT_CONTEXT },
    sdk,
    resources,
    semconv,
    { registerInstrumentations },
    http,
    awsSdk,
  ] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/semantic-conventions'),
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-aws-sdk'),
  ]);
  // The SDK's own complaints (an unreachable collector, a full queue) go to the gateway's log, outside
  // any request's trace: they may be raised while one is active, but are not about it.
  const complain = (message: string, args: unknown[]) =>
    context.with(ROOT_CONTEXT, () => logger.warn({ args }, `opentelemetry: ${message}`));
  diag.setLogger(
    {
      error: (message, ...args) => complain(message, args),
      warn: (message, ...args) => complain(message, args),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    DiagLogLevel.WARN,
  );

  const { OTLPTraceExporter } =
    options.protocol === 'http/json'
      ? await import('@opentelemetry/exporter-trace-otlp-http')
      : await import('@opentelemetry/exporter-trace-otlp-proto');
  // Headers, timeout, certificates and compression come from the standard OTEL_EXPORTER_OTLP_* variables,
  // read by the exporter; the URL is the one config settled on.
  const exporter = new OTLPTraceExporter({ url: options.tracesUrl });

  // OTEL_RESOURCE_ATTRIBUTES first, then the gateway's own: OTEL_SERVICE_NAME wins, as the spec says.
  const resource = resources.detectResources({ detectors: [resources.envDetector] }).merge(
    resources.resourceFromAttributes({
      [semconv.ATTR_SERVICE_NAME]: options.serviceName,
      [semconv.ATTR_SERVICE_VERSION]: GATEWAY_VERSION,
    }),
  );

  const provider = new sdk.NodeTracerProvider({
    resource,
    sampler: samplerOf(options, sdk),
    // Batching: OTEL_BSP_* (schedule delay, queue and batch sizes, export timeout), read by the SDK.
    spanProcessors: [new sdk.BatchSpanProcessor(exporter)],
  });
  provider.register();

  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new http.HttpInstrumentation({
        // Probes and scrapes are frequent and carry nothing worth a trace (as in the access log).
        ignoreIncomingRequestHook: (req) => isQuietPath(req.url),
        // The route, the caller and the problem of a failed request: known once the answer is decided.
        applyCustomAttributesOnSpan: (span, req, res) => {
          // (For a server span `res` is Express's response; client spans have an IncomingMessage, no locals.)
          if ('locals' in res) describeServerSpan(span, req as IncomingMessage, res as ServerResponse);
        },
      }),
      new awsSdk.AwsInstrumentation({
        // The SDK's attempts are node:http's client spans, children of the command's span.
        suppressInternalInstrumentation: false,
        // The semantic conventions' name; the instrumentation itself writes `aws.request.id`.
        responseHook: (span, { response }) => setRequestId(span, response.requestId),
        exceptionHook: (span, _request, error: { $metadata?: { requestId?: string }; name?: string }) => {
          setRequestId(span, error.$metadata?.requestId);
          if (error.name) span.setAttribute('error.type', error.name);
        },
      }),
    ],
  });

  return {
    async shutdown(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          logger.warn(
            { timeoutMs },
            'tracing: the spans still pending at exit were dropped (the collector did not take them in time)',
          );
          resolve();
        }, timeoutMs);
      });
      const flushed = provider.shutdown().catch((error: unknown) => {
        logger.warn(
          { err: error },
          'tracing: the spans still pending at exit were dropped (the collector refused them)',
        );
      });
      try {
        await Promise.race([flushed, timedOut]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function setRequestId(span: { setAttribute(key: string, value: string): unknown }, requestId: string | undefined) {
  if (requestId) span.setAttribute('aws.request_id', requestId);
}

function samplerOf({ sampler, samplerRatio }: TracingOptions, sdk: typeof TraceSdk): TraceSdk.Sampler {
  const root = sampler.endsWith('always_off')
    ? new sdk.AlwaysOffSampler()
    : sampler.endsWith('traceidratio')
      ? new sdk.TraceIdRatioBasedSampler(samplerRatio)
      : new sdk.AlwaysOnSampler();
  return sampler.startsWith('parentbased_') ? new sdk.ParentBasedSampler({ root }) : root;
}
