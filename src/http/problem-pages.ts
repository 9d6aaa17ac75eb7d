import { Router } from 'express';
import { problemSpecs } from './problem';

/** What a problem type means and what the caller can do about it: the page its `type` URI resolves to. */
export const PROBLEM_EXPLANATIONS: Readonly<Record<string, { means: string; todo: string }>> = {
  'validation-failed': {
    means:
      'The request breaks the contract: its body, a header or a query parameter. `errors[]` names each mistake with a JSON pointer.',
    todo: 'Correct what `errors[]` names and send the request again (under the same Idempotency-Key if you used one).',
  },
  'invalid-namespace': {
    means:
      'Redshift refused the serverless namespace or workgroup (InvalidNamespaceFault), or knows no such namespace.',
    todo: "Read `upstream.message`, AWS's own explanation; check the names, and that the workgroup belongs to the namespace.",
  },
  'rejected-by-redshift': {
    means:
      "Redshift refused the request for a reason of the request's own (a parameter, validation or unsupported-operation fault).",
    todo: 'Read `upstream.message` and `upstream.code`; the same request will be refused again.',
  },
  unauthorized: {
    means: 'No credential, or one the gateway does not accept (unknown API key, invalid or expired JWT).',
    todo: 'Send `Authorization: Bearer <key or JWT>` or `X-API-Key: <key>`; `WWW-Authenticate` says what was wrong with a token.',
  },
  forbidden: {
    means: 'The access policy does not allow this caller this action on this target for this consumer.',
    todo: "Ask the gateway's operators for a rule; for serverless targets, send names rather than ids.",
  },
  'cluster-not-found': {
    means: "Redshift has no such cluster in the target's account and region (ClusterNotFoundFault).",
    todo: "Check the cluster identifier, and that the request's `target` (else `default`) is the cluster's account and region.",
  },
  'target-not-found': {
    means: 'The gateway has no AWS target of the name in `target`.',
    todo: "Name one of the targets the problem's detail lists, or leave `target` out for the default one.",
  },
  'not-found': { means: 'No route has this path.', todo: 'See `/docs` for the paths the gateway serves.' },
  'method-not-allowed': {
    means: 'The path exists, but not with this method.',
    todo: 'Use one of the methods the `Allow` header lists.',
  },
  'invalid-cluster-state': {
    means:
      'The cluster exists but is busy (resizing, rebooting, in maintenance): InvalidClusterStateFault. Usually transient.',
    todo: 'Retry after `Retry-After` seconds, or send `Prefer: wait=<seconds>` to let the gateway retry.',
  },
  'idempotency-key-in-use': {
    means: 'A request with this Idempotency-Key is still running.',
    todo: 'Retry once it has finished: the retry then gets its stored answer.',
  },
  'payload-too-large': { means: 'The body is larger than BODY_LIMIT.', todo: 'Send the documented body only.' },
  'unsupported-media-type': {
    means: 'The body is not application/json, or is compressed.',
    todo: 'Send `Content-Type: application/json`, uncompressed, in UTF-8.',
  },
  'idempotency-key-reuse': {
    means: 'This Idempotency-Key was first used with another request (another body or endpoint).',
    todo: 'Use a new key for a new request.',
  },
  'rate-limited': {
    means: 'The caller sent more than RATE_LIMIT_PER_MINUTE requests in a minute.',
    todo: 'Retry after `Retry-After` seconds; the `RateLimit` headers say how much is left.',
  },
  'upstream-error': {
    means: "AWS refused the gateway's own credentials or permissions, or STS refused its role. Not the caller's fault.",
    todo: "Tell the gateway's operators, quoting `requestId` and `upstream.code`; retrying will not help until they act.",
  },
  'upstream-unavailable': {
    means:
      "Redshift or STS is throttling, failing or unreachable after the gateway's retries; or the account's AWS API budget has no token within the request's wait (nothing was sent to AWS); or the gateway is at one of its own limits or shutting down.",
    todo: 'Retry after `Retry-After` seconds.',
  },
  'upstream-timeout': {
    means: 'AWS did not answer within UPSTREAM_TIMEOUT_MS, retries included; the change may or may not have happened.',
    todo: 'Read the status resource (`Location`), or retry with the same Idempotency-Key.',
  },
  'internal-error': {
    means: 'The gateway failed unexpectedly.',
    todo: "Report it to the gateway's operators, quoting `requestId`.",
  },
};

/** GET /problems/<slug>: a short page per problem type, so that every `type` URI resolves. */
export function createProblemPages(): Router {
  const router = Router();
  const pages = new Map(
    problemSpecs().map((spec) => {
      const { means, todo } = PROBLEM_EXPLANATIONS[spec.slug] ?? { means: spec.title, todo: '' };
      const html =
        `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${spec.title}</title></head><body>\n` +
        `<h1>${spec.title} (${spec.status})</h1>\n<p><code>/problems/${spec.slug}</code></p>\n` +
        `<p>${markup(means)}</p>\n<p><strong>What to do:</strong> ${markup(todo)}</p>\n</body></html>\n`;
      return [spec.slug, html];
    }),
  );
  router.get('/problems/:slug', (req, res, next) => {
    const page = pages.get(req.params.slug);
    if (page === undefined) {
      next();
      return;
    }
    res.set('Cache-Control', 'public, max-age=3600').type('html').send(page);
  });
  return router;
}

/** The explanations' `code` spans as <code>; nothing else in them is markup. */
function markup(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`).replace(/`([^`]+)`/g, '<code>$1</code>');
}
