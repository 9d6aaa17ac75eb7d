import type * as TraceSdk from '@opentelemetry/sdk-trace-node';
import type { TracingOptions } from './settings';
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
 * Starts OpenTelemetry: the W3C trace-context propagator, the async-context manager, the sampler and
 * the OTLP/HTTP exporter. The spans are the gateway's own: the server span (http/trace-context.ts),
 * the AWS calls' and attempts' (tracing/aws-spans.ts) and the steps' (tracing/traced-ports.ts). No
 * instrumentation patches a module: node:http's, Express's and the AWS SDK's cost about three times
 * the CPU for the same tree (docs/performance.md). The SDK's modules are loaded here, on demand, so
 * that a gateway without tracing never loads them.
 */
export async function startTracing(options: TracingOptions, logger: Logger): Promise<Tracing> {
  const [{ context, diag, DiagLogLevel, ROOT_CONTEXT }, { W3CTraceContextPropagator }, sdk, resources, semconv] =
    await Promise.all([
      import('@opentelemetry/api'),
      import('@opentelemetry/core'),
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/semantic-conventions'),
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
  // W3C trace context only (`traceparent`, `tracestate`), not the SDK's default that adds W3C baggage:
  // the gateway reads no baggage, and would pass a caller's entries (user ids, tenants) on to AWS.
  provider.register({ propagator: new W3CTraceContextPropagator() });

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

function samplerOf({ sampler, samplerRatio }: TracingOptions, sdk: typeof TraceSdk): TraceSdk.Sampler {
  const root = sampler.endsWith('always_off')
    ? new sdk.AlwaysOffSampler()
    : sampler.endsWith('traceidratio')
      ? new sdk.TraceIdRatioBasedSampler(samplerRatio)
      : new sdk.AlwaysOnSampler();
  return sampler.startsWith('parentbased_') ? new sdk.ParentBasedSampler({ root }) : root;
}
