import { defineSection, variable } from './env/variable';
import { oneOf, optionalText } from './env/parsers';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The access log's level, and where the audit trail goes. */
export interface LogOptions {
  readonly level: LogLevel;
  /** Audit events go to this file; stdout when undefined. */
  readonly auditFile: string | undefined;
}

export const LOG_SETTINGS = defineSection({
  title: 'Logs',
  variables: {
    LOG_LEVEL: variable(`Log level: ${LOG_LEVELS.join(', ')}.`, oneOf(LOG_LEVELS), { default: 'info' }),
    AUDIT_LOG_FILE: variable(
      'Audit events (one per change or status read) go to this file; empty means stdout.',
      optionalText,
    ),
  },
  build: (v): LogOptions => ({ level: v.LOG_LEVEL, auditFile: v.AUDIT_LOG_FILE }),
});
