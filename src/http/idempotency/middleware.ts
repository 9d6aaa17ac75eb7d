import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { principalOf } from '../../domain/caller';
import { IdempotencyKeyInUseError, IdempotencyKeyReuseError } from '../errors';
import '../locals';
import type { IdempotencyStore, StoredAnswer } from './store';

/**
 * Idempotency-Key (IETF HTTPAPI draft): runs the first request with a key and stores its final
 * answer; a repeat by the same caller with the same key and body gets that answer again, with
 * `Idempotent-Replayed: true`, and never reaches the use case. Runs after validation, so a body that
 * fails the contract is never stored and can be corrected under the same key.
 *
 * Stored: final answers only, 2xx and the caller-side 400, 404 and 422. Not stored: 409 (a cluster
 * state that passes, or a key in use), 429 and every 5xx (throttled, unavailable, timed out,
 * failed): a retry must be allowed to get another answer.
 *
 * The key stays claimed until the request's answer is decided, even when the client has gone away
 * meanwhile: a client that timed out and retries with the same key must not reach Redshift twice.
 */
export function idempotency(store: IdempotencyStore): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('Idempotency-Key');
    if (header === undefined) {
      next();
      return;
    }
    // A Structured Field string comes in double quotes; the key is what is inside them.
    const key = header.replace(/^"(.*)"$/, '$1');
    const owner = res.locals.caller ? principalOf(res.locals.caller) : 'anonymous';
    // Per caller and AWS target: the same key sent to two targets is two requests.
    const scope = `${owner}\n${res.locals.awsTarget ?? ''}\n${key}`;
    const fingerprint = fingerprintOf(req);

    const claim = await store.claim(scope, fingerprint, owner);
    if (claim.outcome !== 'claimed') {
      if (claim.fingerprint !== fingerprint) {
        throw new IdempotencyKeyReuseError(
          'This Idempotency-Key was used with another request; use a new key for a new request.',
        );
      }
      if (claim.outcome === 'in-progress') {
        throw new IdempotencyKeyInUseError(
          'A request with this Idempotency-Key is still running; retry once it has finished.',
        );
      }
      res
        .set(claim.answer.headers ?? {})
        .set('Idempotent-Replayed', 'true')
        .status(claim.answer.status)
        .type(claim.answer.contentType)
        .send(claim.answer.body);
      return;
    }

    captureAnswer(res, (answer) => {
      const settled =
        answer !== undefined && isFinal(answer.status)
          ? store.complete(scope, claim.token, fingerprint, answer)
          : store.release(scope, claim.token);
      settled.catch((error: unknown) => req.log.warn({ err: error }, 'idempotency record not settled'));
    });
    next();
  };
}

// The answer's own headers that a replay sends again (X-Request-Id is the replaying request's own).
const REPLAYED_HEADERS = ['Location', 'Preference-Applied'];

const FINAL_CLIENT_ERRORS: ReadonlySet<number> = new Set([400, 404, 422]);

function isFinal(status: number): boolean {
  return (status >= 200 && status < 300) || FINAL_CLIENT_ERRORS.has(status);
}

/**
 * The method, the path, the query and the body, keys sorted: what makes two requests the same (a dry
 * run and the real thing are two requests).
 */
function fingerprintOf(req: Request): string {
  return createHash('sha256')
    .update(`${req.method} ${req.path} ${canonicalJson(req.query)}\n${canonicalJson(req.body)}`)
    .digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Calls `settle` once with the answer, when it is decided: when the route or the error handler sends
 * it through res.json (every answer of theirs is), whether or not the client is still there to read
 * it. A response that ends without res.json settles with undefined. A client that goes away does not
 * settle anything: the handler is still running (PITFALLS: 'close' fires long before it finishes).
 */
function captureAnswer(res: Response, settle: (answer: StoredAnswer | undefined) => void): void {
  let settled = false;
  const json = res.json.bind(res);
  res.json = (value: unknown) => {
    const sent = json(value);
    if (!settled) {
      settled = true;
      settle({
        status: res.statusCode,
        contentType: String(res.get('Content-Type') ?? 'application/json'),
        body: JSON.stringify(value),
        headers: Object.fromEntries(
          REPLAYED_HEADERS.flatMap((name) => {
            const header = res.get(name);
            return header === undefined ? [] : [[name, header]];
          }),
        ),
      });
    }
    return sent;
  };
  res.once('finish', () => {
    if (settled) return;
    settled = true;
    settle(undefined);
  });
}
