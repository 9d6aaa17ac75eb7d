import { provisionedBody } from '../helpers/bodies';
import { TEST_API_KEY } from '../helpers/config';
import { freePort, startGatewayProcess, waitForOutput, type GatewayProcess } from '../helpers/gateway-process';
import { seed } from '../helpers/local-stack';
import { registerLogSource } from '../helpers/log-hygiene';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver';
import { startEmulator, type Emulator } from '../emulator/emulator';

// The real entry point with tracing on, exporting to a stand-in collector on loopback: what a platform
// team sees in its tracing backend.

const CALLER_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';
const SERVER = 2;
const CLIENT = 3;

let emulator: Emulator;
let receiver: OtlpReceiver;
const gateways: GatewayProcess[] = [];
beforeAll(async () => {
  emulator = await startEmulator({ seed });
  receiver = await startOtlpReceiver();
  // Nothing the gateway exports may hold a credential (test/helpers/log-hygiene.ts).
  registerLogSource(() => JSON.stringify(receiver.spans()));
});
afterAll(async () => {
  for (const gateway of gateways) gateway.child.kill('SIGKILL');
  await emulator.close();
  await receiver.close();
});
beforeEach(() => emulator.reset());

async function startTraced(env: Record<string, string>, otlp = receiver): Promise<GatewayProcess> {
  const gateway = await startGatewayProcess(
    { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_BSP_SCHEDULE_DELAY: '50', ...env },
    emulator,
  );
  gateways.push(gateway);
  registerLogSource(() => gateway.output().stdout);
  await waitForOutput(gateway, 'role assumed');
  return gateway;
}

async function stop(gateway: GatewayProcess): Promise<void> {
  gateway.child.kill('SIGTERM');
  expect(await gateway.exited).toBe(0);
}

function post(gateway: GatewayProcess, body: object, headers: Record<string, string> = {}) {
  return fetch(`${gateway.url}/namespaces/registrations`, {
    method: 'POST',
    headers: { 'X-API-Key': TEST_API_KEY, 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

const traceparent = (traceId: string, flags = '01') => `00-${traceId}-${CALLER_SPAN_ID}-${flags}`;
const named = (spans: ReceivedSpan[], name: string) => spans.filter((span) => span.name === name);
const childrenOf = (spans: ReceivedSpan[], parent: ReceivedSpan) =>
  spans.filter((span) => span.parentSpanId === parent.spanId);
function ancestors(spans: ReceivedSpan[], span: ReceivedSpan): string[] {
  const byId = new Map(spans.map((each) => [each.spanId, each]));
  const names: string[] = [];
  for (let parent = byId.get(span.parentSpanId); parent; parent = byId.get(parent.parentSpanId)) {
    names.push(parent.name);
  }
  return names;
}

describe('tracing (OpenTelemetry, OTLP/HTTP)', () => {
  it('exports a registration as one trace under the caller’s, with the policy, the idempotency claim, the waiting, and each AWS attempt (a throttled one retried)', async () => {
    const gateway = await startTraced({});
    emulator.setFaults({ throttleNext: 1, registrationDelayMs: 200 });

    const res = await post(gateway, provisionedBody(), {
      traceparent: traceparent(CALLER_TRACE_ID),
      tracestate: 'ci=job-42',
      Prefer: 'wait=10',
      'Idempotency-Key': 'trace-test-0001',
    });
    expect(res.status).toBe(200);
    const spans = (
      await receiver.waitFor((all) => all.some((span) => span.kind === SERVER && span.traceId === CALLER_TRACE_ID))
    ).filter((span) => span.traceId === CALLER_TRACE_ID);

    // The default protocol: OTLP protobuf, at the collector's /v1/traces.
    expect(receiver.requests[0]).toEqual({ path: '/v1/traces', contentType: 'application/x-protobuf' });

    const [server, ...otherServers] = spans.filter((span) => span.kind === SERVER);
    expect(otherServers).toEqual([]);
    expect(server).toMatchObject({
      name: 'POST /namespaces/registrations',
      parentSpanId: CALLER_SPAN_ID,
      traceState: 'ci=job-42',
      attributes: {
        'http.request.method': 'POST',
        'url.path': '/namespaces/registrations',
        'url.scheme': 'http',
        'http.route': '/namespaces/registrations',
        'http.response.status_code': 200,
        'enduser.id': 'api-key:ci-pipeline',
        'gateway.target': 'default',
      },
      resource: { 'service.name': 'redshift-namespace-gateway', 'service.version': expect.any(String) },
    });

    const [register] = named(spans, 'Redshift.RegisterNamespace');
    expect(register).toMatchObject({
      kind: CLIENT,
      attributes: {
        'rpc.system': 'aws-api',
        'rpc.service': 'Redshift',
        'rpc.method': 'RegisterNamespace',
        'cloud.region': expect.any(String),
        'cloud.account.id': '111122223333',
        'gateway.target': 'default',
        'aws.request_id': expect.stringMatching(/^[0-9a-f-]{36}$/),
      },
    });
    expect(ancestors(spans, register!)).toEqual(['registration wait', 'POST /namespaces/registrations']);
    // Each HTTP attempt is a client span under the command's: the throttled one, then the retry.
    const attempts = childrenOf(spans, register!);
    expect(attempts.map((attempt) => [attempt.name, attempt.attributes['http.response.status_code']])).toEqual([
      ['POST', 400],
      ['POST', 200],
    ]);
    expect(attempts[0]).toMatchObject({
      kind: CLIENT,
      statusCode: 2,
      attributes: {
        'http.request.method': 'POST',
        'server.address': '127.0.0.1',
        'url.full': `${emulator.url}/`,
        'error.type': '400',
      },
    });
    // W3C propagation onwards: each attempt told AWS its own span, in the caller's trace.
    expect(
      emulator
        .calls()
        .filter((call) => call.action === 'RegisterNamespace')
        .map((call) => call.traceparent),
    ).toEqual(attempts.map((attempt) => `00-${CALLER_TRACE_ID}-${attempt.spanId}-01`));

    expect(named(spans, 'policy decision').map((span) => span.attributes)).toEqual(
      expect.arrayContaining([
        { 'gateway.authz.action': 'register', 'gateway.authz.allowed': true, 'gateway.authz.rule': 'AUTHZ_ALLOW_ALL' },
        { 'gateway.authz.action': 'read', 'gateway.authz.allowed': true, 'gateway.authz.rule': 'AUTHZ_ALLOW_ALL' },
      ]),
    );
    expect(named(spans, 'idempotency claim')[0]?.attributes).toEqual({
      'gateway.idempotency.store': 'memory',
      'gateway.idempotency.outcome': 'claimed',
    });
    expect(named(spans, 'idempotency complete')).toHaveLength(1);
    expect(named(spans, 'registration wait')[0]?.attributes).toMatchObject({
      'gateway.registration.action': 'register',
      'gateway.wait.completed': true,
    });
    // The status reads of the wait, each with its AWS calls inside.
    const reads = named(spans, 'registration status read');
    expect(reads.length).toBeGreaterThanOrEqual(1);
    expect(reads.at(-1)?.attributes).toEqual({ 'gateway.registration.status': 'Registered' });
    expect(childrenOf(spans, reads[0]!).map((span) => span.attributes['rpc.method'])).toEqual(
      expect.arrayContaining(['DescribeClusters']),
    );

    // The role was assumed at start, in a trace of its own: the STS call and its attempt.
    const all = receiver.spans();
    const [assumeRole] = named(all, 'STS.AssumeRole');
    expect(assumeRole).toMatchObject({
      parentSpanId: '',
      attributes: { 'rpc.system': 'aws-api', 'rpc.service': 'STS', 'rpc.method': 'AssumeRole' },
    });
    expect(childrenOf(all, assumeRole!).map((attempt) => attempt.name)).toEqual(['POST']);

    // Log correlation: the access line and the audit event carry the trace.
    await stop(gateway);
    const lines = gateway
      .output()
      .stdout.split('\n')
      .filter((line) => line.includes(CALLER_TRACE_ID))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['namespace registration attempt', 'request completed']),
    );
    expect(lines.find((line) => line.msg === 'request completed')).toMatchObject({
      trace_id: CALLER_TRACE_ID,
      span_id: server!.spanId,
      trace_flags: '01',
    });
  }, 30_000);

  it('passes the W3C trace context on to AWS (traceparent, tracestate) and never the caller’s baggage', async () => {
    const gateway = await startTraced({});
    const traceId = '5bf92f3577b34da6a3ce929d0e0e4744';

    const res = await post(gateway, provisionedBody(), {
      traceparent: traceparent(traceId),
      tracestate: 'ci=job-43',
      // Entries a caller keeps within its own systems: the gateway reads none, and AWS is not one of them.
      baggage: 'user.email=alice%40example.com,tenant=finance',
    });

    expect(res.status).toBe(202);
    const [call] = emulator.calls().filter((each) => each.action === 'RegisterNamespace');
    expect(call).toMatchObject({ traceparent: expect.stringMatching(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`)) });
    expect(call).toMatchObject({ tracestate: 'ci=job-43' });
    expect(call).not.toHaveProperty('baggage');
  });

  it('a request whose AWS call finds the role’s credentials due for refresh has the AssumeRole inside its trace', async () => {
    // Credentials of 4 s are refreshed 1 s before they expire: by the first request after 3 s.
    emulator.setFaults({ credentialLifetimeSeconds: 4 });
    const gateway = await startTraced({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    await new Promise((resolve) => setTimeout(resolve, 3_300));
    const traceId = '99998888777766665555444433332222';

    expect((await post(gateway, provisionedBody(), { traceparent: traceparent(traceId) })).status).toBe(202);
    const spans = (
      await receiver.waitFor((all) => all.some((span) => span.kind === SERVER && span.traceId === traceId))
    ).filter((span) => span.traceId === traceId);
    const [assumeRole] = named(spans, 'STS.AssumeRole');
    expect(assumeRole).toBeDefined();
    expect(ancestors(spans, assumeRole!)).toContain('POST /namespaces/registrations');
    await stop(gateway);
  }, 30_000);

  it('a failed request: the problem document carries the trace id, the spans the problem and AWS’s error', async () => {
    const gateway = await startTraced({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    const traceId = 'aaaabbbbccccdddd0000111122223333';

    const res = await post(gateway, provisionedBody('no-such-cluster'), { traceparent: traceparent(traceId) });
    expect(res.status).toBe(404);
    const problem = (await res.json()) as Record<string, unknown>;
    expect(problem).toMatchObject({ type: '/problems/cluster-not-found', requestId: expect.any(String), traceId });

    const spans = (
      await receiver.waitFor((all) => all.some((span) => span.kind === SERVER && span.traceId === traceId))
    ).filter((span) => span.traceId === traceId);
    expect(receiver.requests.at(-1)).toEqual({ path: '/v1/traces', contentType: 'application/json' });
    expect(spans.find((span) => span.kind === SERVER)).toMatchObject({
      attributes: {
        'http.response.status_code': 404,
        'gateway.problem.type': '/problems/cluster-not-found',
        'aws.error.code': 'ClusterNotFound',
      },
    });
    expect(named(spans, 'Redshift.RegisterNamespace')[0]).toMatchObject({
      statusCode: 2,
      attributes: { 'error.type': 'ClusterNotFoundFault', 'aws.request_id': expect.any(String) },
    });
    await stop(gateway);
  }, 30_000);

  it('a request without a traceparent starts its own trace; one the caller did not sample is not recorded', async () => {
    const gateway = await startTraced({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });

    const own = await post(gateway, provisionedBody('no-such-cluster'));
    const { traceId } = (await own.json()) as { traceId: string };
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    await receiver.waitFor((all) => all.some((span) => span.kind === SERVER && span.traceId === traceId));

    const unsampledTraceId = 'eeeeffff000011112222333344445555';
    const unsampled = await post(gateway, provisionedBody(), { traceparent: traceparent(unsampledTraceId, '00') });
    expect(unsampled.status).toBe(202);
    await stop(gateway);
    expect(receiver.spans().filter((span) => span.traceId === unsampledTraceId)).toEqual([]);
  }, 30_000);

  it('exports the spans still pending when it is stopped', async () => {
    // Batches are held for a minute: only the shutdown's flush can send this one.
    const gateway = await startTraced({ OTEL_BSP_SCHEDULE_DELAY: '60000' });
    const traceId = '12341234123412341234123412341234';
    expect((await post(gateway, provisionedBody(), { traceparent: traceparent(traceId) })).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.spans().filter((span) => span.traceId === traceId)).toEqual([]);

    await stop(gateway);
    expect(receiver.spans().filter((span) => span.traceId === traceId).length).toBeGreaterThanOrEqual(3);
  }, 30_000);

  it('a collector that is down costs no answer, and the exit waits for it no longer than the shutdown budget', async () => {
    const closedPort = await freePort();
    const gateway = await startGatewayProcess(
      { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closedPort}`, SHUTDOWN_TIMEOUT_MS: '1500' },
      emulator,
    );
    gateways.push(gateway);
    registerLogSource(() => gateway.output().stdout);
    await waitForOutput(gateway, 'role assumed');

    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await post(gateway, provisionedBody())).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202]);

    const signalled = Date.now();
    await stop(gateway);
    // The budget, or at least TRACE_FLUSH_MIN_MS for the spans, and the process's own exit.
    expect(Date.now() - signalled).toBeLessThan(1500 + 1000);
    expect(gateway.output().stdout).toContain('tracing: the spans still pending at exit were dropped');
  }, 30_000);

  it('with OTEL_SDK_DISABLED=true, nothing is exported and answers carry no trace id', async () => {
    const quiet = await startOtlpReceiver();
    try {
      const gateway = await startTraced({ OTEL_SDK_DISABLED: 'true' }, quiet);
      const res = await post(gateway, provisionedBody('no-such-cluster'), {
        traceparent: traceparent(CALLER_TRACE_ID),
      });
      expect(res.status).toBe(404);
      expect(await res.json()).not.toHaveProperty('traceId');
      await stop(gateway);
      expect(quiet.requests).toEqual([]);
      expect(gateway.output().stdout).not.toContain('tracing on');
      expect(gateway.output().stdout).not.toContain('trace_id');
    } finally {
      await quiet.close();
    }
  }, 30_000);
});
