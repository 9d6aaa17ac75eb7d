import { readFileSync } from 'node:fs';
import request from 'supertest';
import type { ErrorRule } from '../emulator/faults';
import { provisionedBody } from '../helpers/bodies';
import { TEST_API_KEY } from '../helpers/config';
import { startLocalStack, type LocalStack } from '../helpers/local-stack';

// Every row of the gateway's fault table, sent by the emulator as AWS sends it (Query protocol, wire
// code, HTTP status, message) and read by the real SDK: what the caller gets.
//
// Wire codes and statuses: the three RegisterNamespace faults and the dependent-service faults as the
// SDK's error schemas give them; the rest from the Redshift API reference's "Common Errors".

interface Row {
  code: string;
  httpStatus: number;
  status: number;
  slug: string;
  retryAfter: string | undefined;
}

const redshiftRows: Row[] = [
  { code: 'ClusterNotFound', httpStatus: 404, status: 404, slug: 'cluster-not-found', retryAfter: undefined },
  { code: 'InvalidNamespaceFault', httpStatus: 400, status: 400, slug: 'invalid-namespace', retryAfter: undefined },
  { code: 'InvalidClusterState', httpStatus: 400, status: 409, slug: 'invalid-cluster-state', retryAfter: '30' },
  ...[
    'InvalidParameterValue',
    'InvalidParameterCombination',
    'MissingParameter',
    'ValidationError',
    'UnsupportedOperation',
    'InvalidAction',
    'SomeFaultAwsAddsLater',
  ].map((code) => ({ code, httpStatus: 400, status: 400, slug: 'rejected-by-redshift', retryAfter: undefined })),
  ...[
    ['DependentServiceUnavailableFault', 400],
    ['DependentServiceRequestThrottlingFault', 400],
    ['Throttling', 400],
    ['ThrottlingException', 400],
    ['InternalFailure', 500],
    ['ServiceUnavailable', 503],
  ].map(([code, httpStatus]) => ({
    code: code as string,
    httpStatus: httpStatus as number,
    status: 503,
    slug: 'upstream-unavailable',
    retryAfter: '5',
  })),
  ...[
    ['AccessDenied', 403],
    ['AccessDeniedException', 400],
    ['UnauthorizedOperation', 400],
    ['DependentServiceAccessDenied', 403],
    ['OptInRequired', 403],
  ].map(([code, httpStatus]) => ({
    code: code as string,
    httpStatus: httpStatus as number,
    status: 502,
    slug: 'upstream-error',
    retryAfter: undefined,
  })),
];

let stack: LocalStack;
beforeAll(async () => {
  // One attempt per call keeps the retried rows fast; retries have tests of their own.
  stack = await startLocalStack({ UPSTREAM_MAX_ATTEMPTS: '1' });
});
afterAll(() => stack.close());
beforeEach(() => stack.emulator.reset());

const register = (target: LocalStack, headers: Record<string, string> = {}) =>
  request(target.url)
    .post('/namespaces/registrations')
    .set('Authorization', `Bearer ${TEST_API_KEY}`)
    .set(headers)
    .send(provisionedBody('analytics-prod'));

const calls = (target: LocalStack, action: string) =>
  target.emulator.calls().filter((call) => call.action === action).length;

const rule = (service: ErrorRule['service'], code: string, httpStatus: number, times?: number): ErrorRule => ({
  service,
  code,
  status: httpStatus,
  message: `AWS explains ${code}:\r\nfor analytics-prod.`,
  ...(times === undefined ? {} : { times }),
});

describe('every Redshift fault through the emulator and the real SDK', () => {
  it.each(redshiftRows.map((row) => [row.code, row.httpStatus, row.status, row.slug, row] as const))(
    '%s (HTTP %i) answers %i %s',
    async (code, httpStatus, status, slug, row) => {
      stack.emulator.setFaults({ errors: [rule('redshift', code, httpStatus)] });

      const res = await register(stack);

      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['retry-after']).toBe(row.retryAfter);
      expect(res.body).toMatchObject({
        type: `/problems/${slug}`,
        status,
        detail: expect.stringMatching(/cluster 'analytics-prod'/i),
        upstream: {
          code,
          requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
          message: `AWS explains ${code}: for analytics-prod.`,
        },
      });
    },
  );
});

describe('credentials that AWS refuses while the gateway believes them valid', () => {
  it('issued credentials expired on the emulator: the next request assumes the role once more and succeeds', async () => {
    await register(stack);
    const assumedBefore = calls(stack, 'AssumeRole');
    stack.emulator.expireIssuedCredentials();

    const answers = await Promise.all(Array.from({ length: 10 }, () => register(stack)));

    expect(answers.map((res) => res.status)).toEqual(Array(10).fill(202));
    expect(calls(stack, 'AssumeRole') - assumedBefore).toBe(1);
    expect(stack.logs.records().some((line) => /refused the cached role credentials/.test(String(line.msg)))).toBe(
      true,
    );
    const metrics = await request(stack.url).get('/metrics');
    expect(metrics.text).toMatch(/gateway_credentials_refused_total\{target="default",code="ExpiredToken"\} [1-9]/);
  });

  it('a status read with credentials expired on the emulator assumes the role once more and succeeds', async () => {
    await register(stack);
    const assumedBefore = calls(stack, 'AssumeRole');
    stack.emulator.expireIssuedCredentials();

    const res = await request(stack.url)
      .get(
        '/namespaces/registrations/status?ClusterIdentifier=analytics-prod&ConsumerIdentifier=DataCatalog/111122223333',
      )
      .set('Authorization', `Bearer ${TEST_API_KEY}`);

    expect(res.status).toBe(200);
    expect(res.body.Status).toBe('Registered');
    expect(calls(stack, 'AssumeRole') - assumedBefore).toBe(1);
  });

  it.each([
    ['ExpiredToken', 403],
    ['InvalidClientTokenId', 403],
    ['RequestExpired', 400],
  ])('%s on every call answers 502 after exactly one extra AssumeRole', async (code, httpStatus) => {
    await register(stack);
    const assumedBefore = calls(stack, 'AssumeRole');
    const sentBefore = calls(stack, 'RegisterNamespace');
    stack.emulator.setFaults({ errors: [rule('redshift', code, httpStatus)] });

    const res = await register(stack);

    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ type: '/problems/upstream-error', upstream: { code } });
    expect(calls(stack, 'AssumeRole') - assumedBefore).toBe(1);
    expect(calls(stack, 'RegisterNamespace') - sentBefore).toBe(2);
  });
});

describe('STS faults with no credentials cached', () => {
  it.each([
    ['Throttling', 400, 503, 'upstream-unavailable'],
    ['ServiceUnavailable', 503, 503, 'upstream-unavailable'],
    ['InternalFailure', 500, 503, 'upstream-unavailable'],
    ['AccessDenied', 403, 502, 'upstream-error'],
    ['RegionDisabledException', 403, 502, 'upstream-error'],
    ['ValidationError', 400, 502, 'upstream-error'],
  ])('AssumeRole answering %s (HTTP %i) gives %i %s', async (code, httpStatus, status, slug) => {
    const fresh = await startLocalStack({ UPSTREAM_MAX_ATTEMPTS: '1' }, { errors: [rule('sts', code, httpStatus)] });
    try {
      const res = await register(fresh);

      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({
        type: `/problems/${slug}`,
        upstream: { code, message: `AWS explains ${code}: for analytics-prod.` },
      });
      if (status === 503) expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(calls(fresh, 'RegisterNamespace')).toBe(0);
    } finally {
      await fresh.close();
    }
  });

  it('a burst of 50 requests against a refusing STS makes a handful of AssumeRole calls, not one each', async () => {
    const fresh = await startLocalStack({}, { errors: [rule('sts', 'AccessDenied', 403)] });
    try {
      const answers = await Promise.all(Array.from({ length: 50 }, () => register(fresh)));

      expect(new Set(answers.map((res) => res.status))).toEqual(new Set([502]));
      expect(calls(fresh, 'AssumeRole')).toBeLessThanOrEqual(2);
      const readiness = await request(fresh.url).get('/readyz');
      expect(readiness.status).toBe(503);
      expect(readiness.body.reason).toMatch(/AccessDenied/);
    } finally {
      await fresh.close();
    }
  });
});

describe('SDK settings', () => {
  it("every AWS call names the gateway in its user agent (AWS_SDK_UA_APP_ID's default), for CloudTrail", async () => {
    await register(stack);
    const { version } = JSON.parse(readFileSync(`${__dirname}/../../package.json`, 'utf8')) as { version: string };

    const agents = stack.emulator.calls().map((call) => call.userAgent);

    expect(agents.length).toBeGreaterThan(0);
    // The SDK writes the '/' of the app id as '-' in the user agent.
    for (const agent of agents) expect(agent).toContain(`app/redshift-namespace-gateway-${version}`);
  });
});

describe('what a successful call answers', () => {
  it('a status the gateway does not know is passed through as AWS gave it', async () => {
    stack.emulator.setFaults({ answerStatus: 'Pending' });

    const res = await register(stack);

    expect(res.status).toBe(202);
    expect(res.body).toEqual({ Status: 'Pending' });
  });

  it('an answer without a status is a success: 202 Registering', async () => {
    stack.emulator.setFaults({ answerStatus: '' });

    const res = await register(stack);

    expect(res.status).toBe(202);
    expect(res.body).toEqual({ Status: 'Registering' });
  });
});

describe('Idempotency-Key and transient faults', () => {
  it('a 409 InvalidClusterState is not stored: the retry with the same key reaches Redshift and gets 202', async () => {
    stack.emulator.setFaults({ errors: [rule('redshift', 'InvalidClusterState', 400, 1)] });
    const key = { 'Idempotency-Key': `cluster-state-${Date.now()}` };

    const first = await register(stack, key);
    const retry = await register(stack, key);

    expect(first.status).toBe(409);
    expect(retry.status).toBe(202);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(calls(stack, 'RegisterNamespace')).toBe(2);
  });

  it('a 400 rejected-by-redshift is final: the retry with the same key is a replay', async () => {
    stack.emulator.setFaults({ errors: [rule('redshift', 'InvalidParameterValue', 400, 1)] });
    const key = { 'Idempotency-Key': `rejected-${Date.now()}` };

    const first = await register(stack, key);
    const retry = await register(stack, key);

    expect(first.status).toBe(400);
    expect(retry.status).toBe(400);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(calls(stack, 'RegisterNamespace')).toBe(1);
  });
});
