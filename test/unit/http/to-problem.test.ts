import { ClusterNotFoundError, InvalidClusterStateError, UpstreamUnavailableError } from '../../../src/domain/errors';
import {
  MethodNotAllowedError,
  RateLimitedError,
  RequestValidationError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from '../../../src/http/errors';
import { toProblem } from '../../../src/http/problem';

// The one place an error becomes an HTTP answer, alone: status, headers and body per row.
const where = { instance: '/namespaces/registrations', requestId: 'req-1' };

describe('toProblem', () => {
  it('carries the trace id beside the request id when the request is traced, and none otherwise', () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    expect(
      toProblem(new ClusterNotFoundError('Cluster x not found.', undefined), { ...where, traceId }).body,
    ).toMatchObject({
      requestId: 'req-1',
      traceId,
    });
    expect(toProblem(new ClusterNotFoundError('Cluster x not found.', undefined), where).body).not.toHaveProperty(
      'traceId',
    );
  });

  it('a contract violation: 400 with the field errors, the message as a sentence', () => {
    const errors = [{ pointer: '/ConsumerIdentifiers', detail: 'must have 1 item' }];

    expect(toProblem(new RequestValidationError('the body does not match', errors), where)).toEqual({
      status: 400,
      headers: {},
      body: {
        type: '/problems/validation-failed',
        title: 'Request validation failed',
        status: 400,
        detail: 'The body does not match.',
        instance: '/namespaces/registrations',
        requestId: 'req-1',
        errors,
      },
    });
  });

  it("an AWS fault: its status, and AWS's code, request id and message under upstream", () => {
    const upstream = { code: 'ClusterNotFound', requestId: 'aws-1', message: 'Cluster x not found.' };
    const answer = toProblem(new ClusterNotFoundError("Redshift has no cluster 'x'", upstream), where);

    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({
      type: '/problems/cluster-not-found',
      detail: "Redshift has no cluster 'x'.",
      upstream,
    });
  });

  it.each([
    ['the table’s Retry-After for a busy cluster', new InvalidClusterStateError('busy', undefined), '30'],
    ['the rate limit’s own Retry-After', new RateLimitedError('too many', 17), '17'],
    [
      'the back-off the gateway knows',
      new UpstreamUnavailableError('throttled', undefined, { retryAfterSeconds: 4 }),
      '4',
    ],
  ])('Retry-After: %s', (_name, error, seconds) => {
    expect(toProblem(error, where).headers['Retry-After']).toBe(seconds);
  });

  it('the headers some answers need: WWW-Authenticate, Allow, Accept-Encoding', () => {
    expect(toProblem(new UnauthorizedError('bad token', 'invalid_token'), where).headers).toEqual({
      'WWW-Authenticate': 'Bearer realm="redshift-namespace-gateway", error="invalid_token"',
    });
    expect(toProblem(new UnauthorizedError('no key'), where).headers).toEqual({
      'WWW-Authenticate': 'Bearer realm="redshift-namespace-gateway"',
    });
    expect(toProblem(new MethodNotAllowedError('no PUT', 'POST, OPTIONS'), where).headers).toEqual({
      Allow: 'POST, OPTIONS',
    });
    expect(toProblem(new UnsupportedMediaTypeError('no gzip', { acceptEncoding: 'identity' }), where).headers).toEqual({
      'Accept-Encoding': 'identity',
    });
  });

  it('anything unforeseen: 500 with a fixed detail, never its message', () => {
    const answer = toProblem(new Error('connect ECONNREFUSED 10.0.0.7:6379 password=hunter2'), where);

    expect(answer.status).toBe(500);
    expect(answer.body.detail).toBe('The gateway failed unexpectedly; quote the requestId when reporting it.');
    expect(JSON.stringify(answer)).not.toContain('hunter2');
    expect(toProblem('a thrown string', where).status).toBe(500);
  });
});
