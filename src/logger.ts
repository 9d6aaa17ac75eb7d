import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './log-settings';
import type { AuditLog } from './domain/audit';

export type { Logger };

// Caller credentials must never reach a log line, whatever logs the headers.
const REDACTED_PATHS = ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'];

/**
 * The root logger: JSON lines on stdout (or `destination`), ISO timestamps. Writes are asynchronous,
 * batching the lines that arrive while one is under way (a synchronous write per line was the
 * largest single cost in the benchmark's profile); pino flushes what is pending when the process exits.
 */
export function createLogger(
  level: LogLevel,
  destination?: DestinationStream,
  { traced = false }: { traced?: boolean } = {},
): Logger {
  return pino(
    {
      level,
      ...(traced && { mixin: traceFields }),
      base: { service: 'redshift-namespace-gateway' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/**
 * The audit trail: its own logger, so that it can be shipped and kept apart from the access log,
 * always at info whatever LOG_LEVEL says, to a file when AUDIT_LOG_FILE is set. Events carry their
 * own `time`.
 */
export function createAuditLog(
  file: string | undefined,
  destination?: DestinationStream,
  { traced = false }: { traced?: boolean } = {},
): AuditLog {
  const logger = pino(
    { level: 'info', base: { log: 'audit' }, timestamp: false, ...(traced && { mixin: traceFields }) },
    destination ?? pino.destination({ dest: file ?? 1, mkdir: true, sync: false }),
  );
  return { record: (event) => logger.info(event, 'namespace registration attempt') };
}

/**
 * Log correlation when tracing is on: the active span's ids, under the names OpenTelemetry's log
 * conventions (and its pino instrumentation) use, so that a log backend links the line to its trace.
 */
function traceFields(): Record<string, string> {
  const context = trace.getActiveSpan()?.spanContext();
  if (context === undefined) return {};
  return {
    trace_id: context.traceId,
    span_id: context.spanId,
    trace_flags: context.traceFlags.toString(16).padStart(2, '0'),
  };
}
