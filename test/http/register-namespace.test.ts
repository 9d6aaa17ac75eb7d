import {
  ClusterNotFoundFault,
  InvalidClusterStateFault,
  InvalidNamespaceFault,
  RedshiftClient,
  RedshiftServiceException,
  RegisterNamespaceCommand,
} from '@aws-sdk/client-redshift';
import { mockClient } from 'aws-sdk-client-mock';
import request from 'supertest';
import { RoleAssumptionError } from '../../src/aws/assumed-role-credentials';
import { buildTestApp } from '../helpers/app';
import { provisionedBody, serverlessBody } from '../helpers/bodies';
import { TEST_API_KEY, testConfig } from '../helpers/config';
import { expectProblem, register } from '../helpers/requests';

const redshift = mockClient(RedshiftClient);
const metadata = { httpStatusCode: 400, requestId: 'aws-request-1' };

function serviceError(
  name: string,
  httpStatusCode: number,
  fault: 'client' | 'server' = 'client',
  message = `AWS says ${name}`,
) {
  return new RedshiftServiceException({
    name,
    message,
    $fault: fault,
    $metadata: { httpStatusCode, requestId: 'aws-request-1' },
  });
}

function networkError(code: string) {
  return Object.assign(new Error(`socket ${code}`), { code });
}

beforeEach(() => redshift.reset());

describe('POST /namespaces/registrations, on success', () => {
  it('for a provisioned cluster, sends exactly that cluster and consumer to Redshift and returns 202', async () => {
    redshift.on(RegisterNamespaceCommand).resolves({ Status: 'Registering' });
    const { app } = buildTestApp();

    const res = await register(app, provisionedBody('analytics-prod'));

    expect(res.status).toBe(202);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ Status: 'Registering' });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const calls = redshift.commandCalls(RegisterNamespaceCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      NamespaceIdentifier: { ProvisionedIdentifier: { ClusterIdentifier: 'analytics-prod' } },
      ConsumerIdentifiers: ['DataCatalog/111122223333'],
    });
  });

  it('for a serverless namespace, sends exactly the namespace, workgroup and consumer and returns 202', async () => {
    redshift.on(RegisterNamespaceCommand).resolves({ Status: 'Registering' });
    const { app } = buildTestApp();

    const res = await register(app, serverlessBody());

    expect(res.status).toBe(202);
    expect(res.body).toEqual({ Status: 'Registering' });
    expect(redshift.commandCalls(RegisterNamespaceCommand)[0]?.args[0].input).toEqual({
      NamespaceIdentifier: {
        ServerlessIdentifier: { NamespaceIdentifier: 'sales-ns', WorkgroupIdentifier: 'sales-wg' },
      },
      ConsumerIdentifiers: ['DataCatalog/444455556666'],
    });
  });

  it('keeps a well-formed incoming X-Request-Id and echoes it', async () => {
    redshift.on(RegisterNamespaceCommand).resolves({ Status: 'Registering' });
    const { app, logs } = buildTestApp();

    const res = await register(app).set('X-Request-Id', 'ci-run-42.step:7');

    expect(res.headers['x-request-id']).toBe('ci-run-42.step:7');
    expect(logs.records().find((r) => r.msg === 'request completed')).toMatchObject({ requestId: 'ci-run-42.step:7' });
  });

  it('replaces a malformed incoming X-Request-Id with a new one', async () => {
    redshift.on(RegisterNamespaceCommand).resolves({ Status: 'Registering' });
    const { app } = buildTestApp();

    const res = await register(app).set('X-Request-Id', 'has spaces and "quotes"');

    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('writes one access log line with request id, caller, route, request summary, status and duration', async () => {
    redshift.on(RegisterNamespaceCommand).resolves({ Status: 'Registering' });
    const { app, logs } = buildTestApp();

    const res = await register(app).set('User-Agent', 'ci-job/1.0');

    const access = logs.records().filter((r) => r.requestId === res.headers['x-request-id']);
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      caller: 'api-key:ci-pipeline',
      route: '/namespaces/registrations',
      req: { method: 'POST', url: '/namespaces/registrations', client: expect.any(String), userAgent: 'ci-job/1.0' },
      res: { statusCode: 202 },
      durationMs: expect.any(Number),
    });
    expect(access[0]?.req).not.toHaveProperty('headers');
  });
});

describe('POST /namespaces/registrations, when Redshift fails', () => {
  const cluster = "cluster 'analytics-prod'";
  // [case, error, status, slug, Retry-After, what the body must also hold]
  const faults: [string, Error, number, string, string | undefined, Record<string, unknown>][] = [
    [
      'ClusterNotFoundFault',
      new ClusterNotFoundFault({
        message: 'Cluster analytics-prod not found.',
        $metadata: { ...metadata, httpStatusCode: 404 },
      }),
      404,
      'cluster-not-found',
      undefined,
      {
        detail: `Redshift has no ${cluster} in this account and region.`,
        upstream: {
          code: 'ClusterNotFoundFault',
          requestId: 'aws-request-1',
          message: 'Cluster analytics-prod not found.',
        },
      },
    ],
    [
      'InvalidNamespaceFault',
      new InvalidNamespaceFault({ message: 'The workgroup belongs to another namespace.', $metadata: metadata }),
      400,
      'invalid-namespace',
      undefined,
      { upstream: { code: 'InvalidNamespaceFault', message: 'The workgroup belongs to another namespace.' } },
    ],
    [
      'InvalidClusterStateFault',
      new InvalidClusterStateFault({ message: 'The cluster is resizing.', $metadata: metadata }),
      409,
      'invalid-cluster-state',
      '30',
      {
        detail: expect.stringMatching(/^Cluster 'analytics-prod' is not in a state .* usually transient/),
        upstream: { code: 'InvalidClusterStateFault', message: 'The cluster is resizing.' },
      },
    ],
    ...[
      'InvalidParameterValue',
      'InvalidParameterCombination',
      'MissingParameter',
      'ValidationError',
      'UnsupportedOperation',
      'SomethingNewFault',
    ].map(
      (code) =>
        [
          code,
          serviceError(code, 400),
          400,
          'rejected-by-redshift',
          undefined,
          { detail: expect.stringContaining(`${cluster} (${code})`), upstream: { code, message: `AWS says ${code}` } },
        ] as [string, Error, number, string, string | undefined, Record<string, unknown>],
    ),
    ...['DependentServiceUnavailableFault', 'DependentServiceRequestThrottlingFault'].map(
      (code) =>
        [code, serviceError(code, 400), 503, 'upstream-unavailable', '5', { upstream: { code } }] as [
          string,
          Error,
          number,
          string,
          string | undefined,
          Record<string, unknown>,
        ],
    ),
    [
      'throttling',
      serviceError('Throttling', 400),
      503,
      'upstream-unavailable',
      '5',
      { upstream: { code: 'Throttling' } },
    ],
    ['HTTP 429', serviceError('TooManyRequests', 429), 503, 'upstream-unavailable', '5', {}],
    [
      'a 5xx',
      serviceError('InternalFailure', 500, 'server'),
      503,
      'upstream-unavailable',
      '5',
      { upstream: { code: 'InternalFailure' } },
    ],
    ['a dropped connection', networkError('ECONNRESET'), 503, 'upstream-unavailable', '5', {}],
    [
      'an attempt timeout',
      Object.assign(new Error('timed out'), { name: 'TimeoutError' }),
      504,
      'upstream-timeout',
      undefined,
      {},
    ],
    [
      'access denied',
      serviceError('AccessDenied', 403),
      502,
      'upstream-error',
      undefined,
      { upstream: { code: 'AccessDenied' } },
    ],
    ['refused credentials', serviceError('InvalidClientTokenId', 403), 502, 'upstream-error', undefined, {}],
    [
      'a role that cannot be assumed',
      new RoleAssumptionError('could not assume', { cause: serviceError('AccessDenied', 403), retryAfterSeconds: 1 }),
      502,
      'upstream-error',
      undefined,
      { detail: expect.stringMatching(/^The gateway could not assume its AWS role \(AccessDenied\)/) },
    ],
    [
      'STS throttling without cached credentials',
      new RoleAssumptionError('could not assume', { cause: serviceError('Throttling', 400), retryAfterSeconds: 2 }),
      503,
      'upstream-unavailable',
      '2',
      { upstream: { code: 'Throttling' } },
    ],
  ];

  it.each(faults)(
    'with %s, returns the status and problem of its row',
    async (_name, error, status, slug, retryAfter, extra) => {
      redshift.on(RegisterNamespaceCommand).rejects(error);
      const { app } = buildTestApp();

      const res = await register(app);

      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        type: `/problems/${slug}`,
        status,
        instance: '/namespaces/registrations',
        requestId: res.headers['x-request-id'],
        ...extra,
      });
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
      expect(res.headers['retry-after']).toBe(retryAfter);
    },
  );

  it("AWS's message reaches the caller without control characters and at most 500 characters long", async () => {
    redshift
      .on(RegisterNamespaceCommand)
      .rejects(serviceError('InvalidParameterValue', 400, 'client', `bad\r\nvalue\u2028${'x'.repeat(600)}`));
    const { app } = buildTestApp();

    const { body } = await register(app);

    expect(body.upstream.message).toMatch(/^bad value x+…$/);
    expect(body.upstream.message).toHaveLength(500);
  });

  it('with a Redshift call that never ends, returns 504 once UPSTREAM_TIMEOUT_MS has passed', async () => {
    redshift.on(RegisterNamespaceCommand).callsFake(() => new Promise(() => undefined));
    const { app } = buildTestApp({ config: testConfig({ UPSTREAM_TIMEOUT_MS: '200', UPSTREAM_MAX_ATTEMPTS: '1' }) });

    const started = Date.now();
    const res = await register(app);

    expectProblem(res, 504, 'upstream-timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('with an unexpected error, returns 500 with a fixed detail and no internals', async () => {
    redshift.on(RegisterNamespaceCommand).rejects(new TypeError('cannot read secretAccessKey of undefined'));
    const { app, logs } = buildTestApp();

    const res = await register(app);

    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      type: '/problems/internal-error',
      title: 'Internal error',
      status: 500,
      detail: 'The gateway failed unexpectedly; quote the requestId when reporting it.',
      instance: '/namespaces/registrations',
      requestId: res.headers['x-request-id'],
    });
    const line = logs.records().find((r) => r.requestId === res.headers['x-request-id']);
    expect(line).toMatchObject({ level: 50, err: { type: 'TypeError' } });
  });

  it('logs the upstream code with the access line', async () => {
    redshift.on(RegisterNamespaceCommand).rejects(new InvalidClusterStateFault({ message: 'x', $metadata: metadata }));
    const { app, logs } = buildTestApp();

    const res = await register(app);

    const line = logs.records().find((r) => r.requestId === res.headers['x-request-id']);
    expect(line).toMatchObject({ level: 40, upstreamCode: 'InvalidClusterStateFault', res: { statusCode: 409 } });
  });
});

describe('POST /namespaces/registrations, when Redshift accepts with an unusual status', () => {
  it('an answer missing its status is still a success: 202 Registering, with a warning logged', async () => {
    redshift.on(RegisterNamespaceCommand).resolves({});
    const { app, logs } = buildTestApp();

    const res = await register(app);

    expect(res.status).toBe(202);
    expect(res.body).toEqual({ Status: 'Registering' });
    expect(logs.records().some((line) => line.level === 40 && /no status/.test(String(line.msg)))).toBe(true);
  });

  it('a status the gateway does not know is passed through as AWS gave it', async () => {
    redshift.on(RegisterNamespaceCommand).resolves({ Status: 'Registered' as 'Registering' });
    const { app } = buildTestApp();

    const res = await register(app);

    expect(res.status).toBe(202);
    expect(res.body).toEqual({ Status: 'Registered' });
  });
});

describe('routes outside the contract', () => {
  it('an unknown path returns 404 not-found as a problem', async () => {
    const { app } = buildTestApp();

    const res = await request(app).get('/no/such/thing');

    expectProblem(res, 404, 'not-found');
    expect(res.body.instance).toBe('/no/such/thing');
  });

  it('a wrong method on a known path returns 405 method-not-allowed with Allow', async () => {
    const { app } = buildTestApp();

    const res = await request(app).get('/namespaces/registrations').set('X-API-Key', TEST_API_KEY);

    expectProblem(res, 405, 'method-not-allowed');
    expect(res.headers.allow).toBe('POST, OPTIONS');
  });

  it('sets helmet headers and hides the framework', async () => {
    const { app } = buildTestApp();

    const res = await request(app).get('/no/such/thing');

    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('POST /namespaces/registrations, when the connection fails before AWS answers', () => {
  it('carries no upstream code, since AWS said nothing', async () => {
    redshift
      .on(RegisterNamespaceCommand)
      .rejects(Object.assign(networkError('ECONNREFUSED'), { $metadata: { attempts: 3 } }));
    const { app } = buildTestApp();

    const res = await register(app);

    expect(res.status).toBe(503);
    expect(res.body.upstream).toBeUndefined();
  });
});
