import { errorTypeRegistries as redshiftErrors } from '@aws-sdk/client-redshift';
import { ResourceNotFoundException } from '@aws-sdk/client-redshift-serverless';
import { errorTypeRegistries as stsErrors } from '@aws-sdk/client-sts';
import { RoleAssumptionError } from '../../../src/aws/assumed-role-credentials';
import { classifyFault, cleanMessage, translateFault, type FaultClass } from '../../../src/aws/fault-translation';
import { AppError } from '../../../src/domain/errors';

/** One error the SDK's model declares: its class, wire code and HTTP status, as the SDK's schema says. */
interface ModelledError {
  name: string;
  wireCode: string;
  httpStatus: number;
  fault: 'client' | 'server';
  create: (message: string) => Error;
}

type ErrorSchema = [
  number,
  string,
  string,
  { awsQueryError?: [string, number]; error: 'client' | 'server'; httpError?: number },
];
type ErrorClass = new (options: { message: string; $metadata: { httpStatusCode: number; requestId: string } }) => Error;

function modelledErrors(registries: readonly unknown[], namespace: string): ModelledError[] {
  const registry = registries.find((r) => (r as { namespace: string }).namespace === namespace) as {
    exceptions: Map<ErrorSchema, ErrorClass>;
  };
  return [...registry.exceptions].map(([schema, ErrorClass]) => {
    const [, , name, traits] = schema;
    const [wireCode, httpStatus] = traits.awsQueryError ?? [name, traits.httpError ?? 400];
    return {
      name,
      wireCode,
      httpStatus,
      fault: traits.error,
      create: (message) => new ErrorClass({ message, $metadata: { httpStatusCode: httpStatus, requestId: 'req-1' } }),
    };
  });
}

const redshiftModel = modelledErrors(redshiftErrors, 'com.amazonaws.redshift');
const stsModel = modelledErrors(stsErrors, 'com.amazonaws.sts');

// What the gateway decides on its own, by name; everything else follows from the model's fault kind.
const SPECIAL: Record<string, FaultClass> = {
  ClusterNotFoundFault: 'cluster-not-found',
  InvalidNamespaceFault: 'invalid-namespace',
  InvalidClusterStateFault: 'invalid-cluster-state',
  DependentServiceUnavailableFault: 'upstream-unavailable',
  DependentServiceRequestThrottlingFault: 'upstream-unavailable',
  DependentServiceAccessDeniedFault: 'gateway-not-permitted',
  UnauthorizedOperation: 'gateway-not-permitted',
};

describe('classifyFault over every error of the Redshift model', () => {
  it('the model is what the table was written against: it declares the three RegisterNamespace faults', () => {
    const byName = new Map(redshiftModel.map((e) => [e.name, e]));

    expect(byName.get('ClusterNotFoundFault')).toMatchObject({ wireCode: 'ClusterNotFound', httpStatus: 404 });
    expect(byName.get('InvalidClusterStateFault')).toMatchObject({ wireCode: 'InvalidClusterState', httpStatus: 400 });
    expect(byName.get('InvalidNamespaceFault')).toMatchObject({ wireCode: 'InvalidNamespaceFault', httpStatus: 400 });
    expect(redshiftModel.length).toBeGreaterThan(100);
  });

  it.each(redshiftModel.map((e) => [e.name, e] as const))('%s', (_name, modelled) => {
    const expected =
      SPECIAL[modelled.name] ?? (modelled.fault === 'client' ? 'rejected-by-redshift' : 'upstream-unavailable');

    expect(classifyFault(modelled.create('AWS text'))).toBe(expected);
  });
});

describe('classifyFault over the AWS common errors (Redshift API reference, "Common Errors")', () => {
  // [wire code, HTTP status, class]
  const common: [string, number, FaultClass][] = [
    ['AccessDeniedException', 400, 'gateway-not-permitted'],
    ['IncompleteSignature', 400, 'gateway-not-permitted'],
    ['InternalFailure', 500, 'upstream-unavailable'],
    ['InvalidAction', 400, 'rejected-by-redshift'],
    ['InvalidClientTokenId', 403, 'credentials-refused'],
    ['InvalidParameterCombination', 400, 'rejected-by-redshift'],
    ['InvalidParameterValue', 400, 'rejected-by-redshift'],
    ['InvalidQueryParameter', 400, 'rejected-by-redshift'],
    ['MalformedQueryString', 404, 'rejected-by-redshift'],
    ['MissingAction', 400, 'rejected-by-redshift'],
    ['MissingAuthenticationToken', 403, 'gateway-not-permitted'],
    ['MissingParameter', 400, 'rejected-by-redshift'],
    ['NotAuthorized', 400, 'gateway-not-permitted'],
    ['OptInRequired', 403, 'gateway-not-permitted'],
    ['RequestExpired', 400, 'credentials-refused'],
    ['ServiceUnavailable', 503, 'upstream-unavailable'],
    ['ThrottlingException', 400, 'upstream-unavailable'],
    ['ValidationError', 400, 'rejected-by-redshift'],
    // Not in that list, but answered by Query-protocol services.
    ['Throttling', 400, 'upstream-unavailable'],
    ['RequestLimitExceeded', 400, 'upstream-unavailable'],
    ['ExpiredToken', 403, 'credentials-refused'],
    ['AccessDenied', 403, 'gateway-not-permitted'],
    ['SignatureDoesNotMatch', 403, 'gateway-not-permitted'],
    ['SomethingAwsAddsLater', 400, 'rejected-by-redshift'],
    ['SomethingElseAwsAddsLater', 502, 'upstream-unavailable'],
  ];

  it.each(common)('%s (HTTP %i) is %s', (code, httpStatusCode, expected) => {
    const error = Object.assign(new Error('AWS text'), {
      name: code,
      $fault: httpStatusCode >= 500 ? 'server' : 'client',
      $metadata: { httpStatusCode },
    });

    expect(classifyFault(error)).toBe(expected);
  });

  it('a transport failure without an answer: dropped connections are unavailable, timeouts time out', () => {
    expect(classifyFault(Object.assign(new Error('reset'), { code: 'ECONNRESET', name: 'TimeoutError' }))).toBe(
      'upstream-unavailable',
    );
    expect(classifyFault(Object.assign(new Error('slow'), { name: 'TimeoutError' }))).toBe('upstream-timeout');
  });

  it('anything that is no AWS or transport failure is left to end as a 500', () => {
    expect(classifyFault(new TypeError('bug'))).toBeUndefined();
    expect(classifyFault('a string')).toBeUndefined();
  });
});

describe('translateFault', () => {
  const subject = "cluster 'analytics-prod'";

  it('keeps what AWS said: wire code, request id and message', () => {
    const [invalidState] = redshiftModel.filter((e) => e.name === 'InvalidClusterStateFault');
    const error = Object.assign(invalidState!.create('The cluster is resizing.'), { Code: 'InvalidClusterState' });

    const translated = translateFault(error, { deadlineExceeded: false, subject });

    expect(translated).toMatchObject({
      code: 'invalid-cluster-state',
      upstream: { code: 'InvalidClusterState', requestId: 'req-1', message: 'The cluster is resizing.' },
    });
    expect((translated as Error).message).toContain(subject);
  });

  it('past the deadline, whatever happened is a timeout', () => {
    expect(translateFault(new Error('aborted'), { deadlineExceeded: true, subject })).toMatchObject({
      code: 'upstream-timeout',
    });
  });

  // STS's own documentation says to retry IDPCommunicationError, and the SDK treats it as transient.
  const TRANSIENT_STS = new Set(['IDPCommunicationErrorException']);

  it.each(stsModel.map((e) => [e.name, e] as const))(
    'STS %s while assuming the role is the gateway’s problem (502, or 503 when transient), never the caller’s',
    (name, modelled) => {
      const failure = new RoleAssumptionError('could not assume', {
        cause: modelled.create('no'),
        retryAfterSeconds: 1,
      });

      expect(translateFault(failure, { deadlineExceeded: false, subject })).toMatchObject({
        code: TRANSIENT_STS.has(name) ? 'upstream-unavailable' : 'upstream-error',
      });
    },
  );

  it('STS throttling or 5xx while assuming the role is unavailable, with the back-off as Retry-After', () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'Throttling',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    const failure = new RoleAssumptionError('could not assume', { cause: throttled, retryAfterSeconds: 7 });

    expect(translateFault(failure, { deadlineExceeded: false, subject })).toMatchObject({
      code: 'upstream-unavailable',
      retryAfterSeconds: 7,
      upstream: { code: 'Throttling', message: 'Rate exceeded' },
    });
  });

  it('every AWS answer becomes a domain error, never a raw SDK error', () => {
    for (const modelled of redshiftModel) {
      expect(translateFault(modelled.create('x'), { deadlineExceeded: false, subject })).toBeInstanceOf(AppError);
    }
  });
});

describe('classifyFault over Redshift Serverless, read for the status', () => {
  it('an unknown namespace (ResourceNotFoundException) is invalid-namespace, as RegisterNamespace answers it', () => {
    const error = new ResourceNotFoundException({
      message: 'Namespace x not found.',
      resourceName: 'x',
      $metadata: { httpStatusCode: 404 },
    });

    expect(classifyFault(error)).toBe('invalid-namespace');
  });
});

describe('cleanMessage', () => {
  it('turns control characters and line separators into spaces and keeps at most 500 characters', () => {
    expect(cleanMessage('a\r\nb\u0000c\u2028d\u009be')).toBe('a b c d e');
    expect(cleanMessage('x'.repeat(800))).toHaveLength(500);
    expect(cleanMessage(undefined)).toBe('');
  });
});
