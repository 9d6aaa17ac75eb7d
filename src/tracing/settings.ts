import { z } from 'zod';
import { defineSection, variable } from '../env/variable';
import { booleanFlag, endpointUrl, oneOf, optionalText } from '../env/parsers';

// The samplers of the OpenTelemetry specification that need no remote service.
const TRACE_SAMPLERS = [
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
  'always_on',
  'always_off',
  'traceidratio',
] as const;
export type TraceSampler = (typeof TRACE_SAMPLERS)[number];
// OTLP over HTTP; gRPC would add a second transport (and @grpc/grpc-js) for no gain over a collector.
const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

/** Where spans go and which are kept; the whole section is undefined when tracing is off. */
export interface TracingOptions {
  /** OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT + `/v1/traces`. */
  readonly tracesUrl: string;
  readonly protocol: OtlpProtocol;
  readonly serviceName: string;
  readonly sampler: TraceSampler;
  /** For the traceidratio samplers; 1 unless OTEL_TRACES_SAMPLER_ARG says otherwise. */
  readonly samplerRatio: number;
}

const otlpProtocol = optionalText.pipe(
  z.enum(OTLP_PROTOCOLS, { error: `must be one of ${OTLP_PROTOCOLS.join(', ')} (gRPC is not supported)` }).optional(),
);

// The standard OTEL_* variables that decide whether and where the gateway traces.
export const TRACING_SETTINGS = defineSection({
  title: 'Tracing (OpenTelemetry)',
  variables: {
    OTEL_SDK_DISABLED: variable('true turns tracing off whatever else is set.', booleanFlag, { default: 'false' }),
    OTEL_TRACES_EXPORTER: variable(
      'otlp exports spans when an endpoint is set; none turns tracing off.',
      z.enum(['otlp', 'none'], { error: 'must be otlp or none' }),
      { default: 'otlp' },
    ),
    OTEL_EXPORTER_OTLP_ENDPOINT: variable(
      'Base URL of an OTLP/HTTP collector (such as http://otel-collector:4318); spans go to its /v1/traces. Tracing is off unless this or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set.',
      endpointUrl,
    ),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: variable(
      'Full URL spans are sent to, used as given; wins over OTEL_EXPORTER_OTLP_ENDPOINT.',
      endpointUrl,
    ),
    OTEL_EXPORTER_OTLP_PROTOCOL: variable(`How spans are encoded: ${OTLP_PROTOCOLS.join(' or ')}.`, otlpProtocol, {
      default: 'http/protobuf',
    }),
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: variable(
      'The same for traces alone; wins over OTEL_EXPORTER_OTLP_PROTOCOL.',
      otlpProtocol,
    ),
    OTEL_SERVICE_NAME: variable(
      "The `service.name` of the gateway's spans; wins over one in OTEL_RESOURCE_ATTRIBUTES.",
      optionalText,
      { default: 'redshift-namespace-gateway' },
    ),
    OTEL_TRACES_SAMPLER: variable(
      `Which traces are kept: ${TRACE_SAMPLERS.join(', ')}. The parent-based ones follow the caller's sampled flag.`,
      oneOf(TRACE_SAMPLERS),
      { default: 'parentbased_always_on' },
    ),
    OTEL_TRACES_SAMPLER_ARG: variable(
      'The ratio of traces kept by the traceidratio samplers, from 0 to 1.',
      optionalText.pipe(
        z
          .string()
          .regex(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/, 'must be a number from 0 to 1')
          .transform(Number)
          .optional(),
      ),
    ),
  },
  // Tracing is on when spans have somewhere to go and nothing turns it off (the OTEL_* conventions).
  build: (v): TracingOptions | undefined => {
    const base = v.OTEL_EXPORTER_OTLP_ENDPOINT;
    const tracesUrl = v.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base && `${base.replace(/\/+$/, '')}/v1/traces`);
    if (tracesUrl === undefined || v.OTEL_SDK_DISABLED || v.OTEL_TRACES_EXPORTER === 'none') return undefined;
    return {
      tracesUrl,
      protocol: v.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? v.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
      serviceName: v.OTEL_SERVICE_NAME ?? 'redshift-namespace-gateway',
      sampler: v.OTEL_TRACES_SAMPLER,
      samplerRatio: v.OTEL_TRACES_SAMPLER_ARG ?? 1,
    };
  },
  // The exporter and the batch span processor read these themselves.
  readByLibraries: {
    OTEL_EXPORTER_OTLP_HEADERS:
      'Headers sent with every export, `key=value` comma-separated (a collector token: from a Secret).',
    OTEL_EXPORTER_OTLP_TIMEOUT: 'How long one export may take, in ms (10000).',
    OTEL_EXPORTER_OTLP_CERTIFICATE: "The collector's CA certificate file, for https.",
    OTEL_RESOURCE_ATTRIBUTES: 'Resource attributes of every span, `key=value` comma-separated.',
    OTEL_BSP_SCHEDULE_DELAY: 'Most time between two exports, in ms (5000).',
    OTEL_BSP_MAX_QUEUE_SIZE: 'Spans waiting for export at most (2048); more are dropped.',
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: 'Spans in one export at most (512).',
    OTEL_BSP_EXPORT_TIMEOUT: 'How long the batch processor waits for an export, in ms (30000).',
  },
});
