import { context, propagation, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
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
  afterAll(() => {
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('with tracing on, a line logged within a span carries its trace and span ids; outside one, none', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) }, { traced: true });
    // The SDK as the gateway registers it: its context manager is what carries the active span.
    const provider = new NodeTracerProvider();
    provider.register();

    const span = provider.getTracer('test').startActiveSpan('inside', (active) => {
      logger.info('inside');
      active.end();
      return active;
    });
    logger.info('outside');

    const [inside, outside] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(inside).toMatchObject({
      trace_id: span.spanContext().traceId,
      span_id: span.spanContext().spanId,
      trace_flags: '01',
    });
    expect(outside).not.toHaveProperty('trace_id');
  });
});
