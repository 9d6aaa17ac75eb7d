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
