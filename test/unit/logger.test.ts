import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { createLogger } from '../../src/logger';

describe('createLogger', () => {
  it('redacts credentials in request headers, should a log line ever carry them', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });

    logger.info(
      { req: { headers: { authorization: 'Bearer s3cret', 'x-api-key': 'k3y', cookie: 'session=c00kie' } } },
      'with headers',
    );

    const headers = (JSON.parse(lines[0] ?? '{}') as { req: { headers: Record<string, string> } }).req.headers;
    expect(headers).toEqual({ authorization: '[redacted]', 'x-api-key': '[redacted]', cookie: '[redacted]' });
  });
});

describe('log correlation', () => {
  it('with tracing on, a line logged within a span carries its trace and span ids; outside one, none', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) }, { traced: true });
    const spanContext = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };
    const contextManager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(contextManager);
    try {
      context.with(trace.setSpanContext(context.active(), spanContext), () => logger.info('inside'));
      logger.info('outside');
    } finally {
      context.disable();
    }

    const [inside, outside] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(inside).toMatchObject({ trace_id: spanContext.traceId, span_id: spanContext.spanId, trace_flags: '01' });
    expect(outside).not.toHaveProperty('trace_id');
  });
});
