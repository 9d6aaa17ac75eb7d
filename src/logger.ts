import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config/variables';
import type { AuditLog } from './domain/audit';

export type { Logger };

// Caller credentials must never reach a log line, whatever logs the headers.
const REDACTED_PATHS = ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'];

/**
 * The root logger: JSON lines on stdout (or `destination`), ISO timestamps. Writes are asynchronous,
 * batching the lines that arrive while one is under way (a synchronous write per line was the
 * largest single cost in the benchmark's profile); pino flushes what is pending when the process exits.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
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
export function createAuditLog(file: string | undefined, destination?: DestinationStream): AuditLog {
  const logger = pino(
    { level: 'info', base: { log: 'audit' }, timestamp: false },
    destination ?? pino.destination({ dest: file ?? 1, mkdir: true, sync: false }),
  );
  return { record: (event) => logger.info(event, 'namespace registration attempt') };
}
