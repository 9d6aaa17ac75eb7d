import type { Span } from '@opentelemetry/api';

/**
 * Runs `work`, describes `span` by its result or, through `failed`, by its error, and ends the span
 * either way; the result or the error goes on to the caller unchanged.
 */
export async function endedAfter<T>(
  span: Span,
  work: () => Promise<T>,
  describe: (result: T) => void,
  failed: (span: Span, error: unknown) => void,
): Promise<T> {
  try {
    const result = await work();
    describe(result);
    return result;
  } catch (error) {
    failed(span, error);
    throw error;
  } finally {
    span.end();
  }
}
