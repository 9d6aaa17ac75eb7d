import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import type { AccessPolicy } from '../domain/access-policy';
import type { RegistrationStatusReader } from '../domain/ports';
import type { IdempotencyStore } from '../http/idempotency/store';
import type { WaitingRoom } from '../http/waiting-room';
import { GATEWAY_VERSION } from '../version';
import { endedAfter } from './ended-after';

// The gateway's own steps as spans, children of the request's: each port is wrapped as it is wired
// (gateway.ts, only when tracing is on), so that the use cases and adapters stay free of tracing. The
// AWS calls inside them get theirs from the SDK clients' middleware (aws-spans.ts).

const tracer = trace.getTracer('redshift-namespace-gateway', GATEWAY_VERSION);

function failed(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.setAttribute('error.type', error instanceof Error ? error.name : 'Error');
}

async function inSpan<T>(name: string, work: () => Promise<T>, describe?: (result: T) => Attributes): Promise<T> {
  return tracer.startActiveSpan(name, (span) =>
    endedAfter(
      span,
      work,
      (result) => {
        if (describe) span.setAttributes(describe(result));
      },
      failed,
    ),
  );
}

/**
 * `policy decision`: the action, whether it was allowed and the rule that decided. The decision is
 * synchronous and calls nothing traced, so its span is never made the active one (that would cost a
 * context and an async-context switch per request for no child).
 */
export function tracedAccessPolicy(policy: AccessPolicy): AccessPolicy {
  return {
    decide(request) {
      const span = tracer.startSpan('policy decision');
      try {
        const decision = policy.decide(request);
        span.setAttributes({
          'gateway.authz.action': request.action,
          'gateway.authz.allowed': decision.allowed,
          ...(decision.rule !== undefined && { 'gateway.authz.rule': decision.rule }),
        });
        return decision;
      } catch (error) {
        failed(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  };
}

/** `idempotency claim|complete|release`, with the claim's outcome; `kind` is memory or redis. */
export function tracedIdempotencyStore(store: IdempotencyStore, kind: 'memory' | 'redis'): IdempotencyStore {
  const attributes = { 'gateway.idempotency.store': kind };
  return {
    claim: (key, fingerprint, owner) =>
      inSpan(
        'idempotency claim',
        () => store.claim(key, fingerprint, owner),
        (result) => ({ ...attributes, 'gateway.idempotency.outcome': result.outcome }),
      ),
    complete: (key, token, fingerprint, answer) =>
      inSpan(
        'idempotency complete',
        () => store.complete(key, token, fingerprint, answer),
        () => attributes,
      ),
    release: (key, token) =>
      inSpan(
        'idempotency release',
        () => store.release(key, token),
        () => attributes,
      ),
    close: () => store.close(),
  };
}

/** `registration status read`: the AWS reads behind one status document are its children. */
export function tracedStatusReader(reader: RegistrationStatusReader): RegistrationStatusReader {
  return {
    read: (command, options) =>
      inSpan(
        'registration status read',
        () => reader.read(command, options),
        (document) => ({ 'gateway.registration.status': document.Status }),
      ),
  };
}

/** `registration wait` (Prefer: wait): the change and the status reads until it took effect, or not. */
export function tracedWaitingRoom(room: WaitingRoom): WaitingRoom {
  return {
    maxWaitSeconds: room.maxWaitSeconds,
    wait: (action, work) =>
      inSpan(
        'registration wait',
        () => room.wait(action, work),
        (outcome) => ({
          'gateway.registration.action': action,
          'gateway.wait.completed': outcome.completed,
          ...(!outcome.completed && { 'gateway.wait.reason': outcome.reason }),
        }),
      ),
    closeAll: () => room.closeAll(),
  };
}
