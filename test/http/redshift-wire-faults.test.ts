import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { realClientsAgainstFakeRedshift } from '../helpers/real-clients';
import { fault } from '../helpers/fake-redshift-server';
import { register } from '../helpers/requests';

// Redshift's faults as they arrive on the wire, through the production AWS clients and their retries
// (helpers/real-clients.ts).
const wire = realClientsAgainstFakeRedshift();

describe('Redshift faults over the wire', () => {
  beforeEach(() => wire.sts.on(AssumeRoleCommand).resolves(wire.assumedRole()));

  it.each([
    ['ClusterNotFound', 404, 404, 'cluster-not-found'],
    ['InvalidNamespaceFault', 400, 400, 'invalid-namespace'],
    ['InvalidClusterState', 400, 409, 'invalid-cluster-state'],
    ['InvalidParameterValue', 400, 400, 'rejected-by-redshift'],
    ['AccessDenied', 403, 502, 'upstream-error'],
  ])(
    'a %s answer (HTTP %i) becomes %i %s with the wire code and AWS request id',
    async (code, wireStatus, status, slug) => {
      wire.redshift.answerWith(fault(code, wireStatus));
      const { app } = wire.gateway();

      const res = await register(app);

      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ type: `/problems/${slug}`, upstream: { code, requestId: 'aws-fault-1' } });
      expect(wire.redshift.calls).toHaveLength(1);
    },
  );

  it('throttling on every attempt is retried UPSTREAM_MAX_ATTEMPTS times, then 503 with Retry-After', async () => {
    wire.redshift.answerWith(fault('Throttling', 400));
    const { app } = wire.gateway({ UPSTREAM_MAX_ATTEMPTS: '3' });

    const res = await register(app);

    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.upstream).toMatchObject({ code: 'Throttling' });
    expect(wire.redshift.calls).toHaveLength(3);
  });

  it('a hung Redshift is cut off by the attempt timeout and gives 504 after the retries', async () => {
    wire.redshift.answerWith(() => undefined);
    const { app } = wire.gateway({ UPSTREAM_ATTEMPT_TIMEOUT_MS: '150', UPSTREAM_MAX_ATTEMPTS: '2' });

    const res = await register(app);

    expect(res.status).toBe(504);
    expect(res.body.type).toBe('/problems/upstream-timeout');
    expect(wire.redshift.calls).toHaveLength(2);
  });

  it('a hung Redshift beyond UPSTREAM_TIMEOUT_MS gives 504 at the overall deadline', async () => {
    wire.redshift.answerWith(() => undefined);
    const { app } = wire.gateway({
      UPSTREAM_TIMEOUT_MS: '300',
      UPSTREAM_MAX_ATTEMPTS: '1',
      UPSTREAM_ATTEMPT_TIMEOUT_MS: '300',
      UPSTREAM_CONNECT_TIMEOUT_MS: '100',
    });

    const started = Date.now();
    const res = await register(app);

    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a connection dropped on every attempt gives 503', async () => {
    wire.redshift.answerWith((_call, res) => res.socket?.destroy());
    const { app } = wire.gateway();

    const res = await register(app);

    expect(res.status).toBe(503);
    expect(res.body.type).toBe('/problems/upstream-unavailable');
  });
});
