import { closest } from '../env/closest';

// "Did you mean": a misspelt variable would otherwise be ignored without a word and its default used.

// Prefixes only the gateway uses: any other variable that starts with one is a mistake. (AWS_ and
// HTTP_ are shared with the SDK and with proxies, so there only a near spelling counts.)
const OWN_PREFIXES = ['REDSHIFT_ROLE_', 'UPSTREAM_', 'IDEMPOTENCY_', 'JWT_', 'AUTHZ_', 'API_KEY', 'RATE_LIMIT_'];
// The SDK's per-service endpoint variables name services the gateway does not call (S3, SQS, ...).
const SDK_SERVICE_ENDPOINT = /^AWS_ENDPOINT_URL_[A-Z0-9_]+$/;
// Kubernetes' service links: <SERVICE>_SERVICE_HOST, <SERVICE>_PORT_8080_TCP_ADDR, ... for every
// Service of the namespace; a Service named "upstream" must not stop the gateway.
const KUBERNETES_SERVICE_LINK = /_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_\d+_(TCP|UDP|SCTP)(_[A-Z]+)?)?)$/;

/**
 * Environment variables that look like one of the gateway's but are not: within one edit of a known
 * name, or under a prefix only the gateway uses. Each problem names the closest known variable.
 */
export function misspeltVariables(env: Readonly<Record<string, unknown>>, known: readonly string[]): string[] {
  const knownSet = new Set(known);
  const problems: string[] = [];
  for (const name of Object.keys(env)) {
    if (knownSet.has(name) || KUBERNETES_SERVICE_LINK.test(name)) continue;
    const ownPrefix = OWN_PREFIXES.some((prefix) => name.startsWith(prefix));
    const nearest = closest(name, known, ownPrefix ? 4 : 1);
    if (nearest === undefined) {
      if (ownPrefix) problems.push(`${name} is not a setting of the gateway (docs/configuration.md lists them)`);
      continue;
    }
    // A one-letter service name change (SQS for STS) is another service, not a typo.
    if (SDK_SERVICE_ENDPOINT.test(name) && name.length - 'AWS_ENDPOINT_URL_'.length < 5) continue;
    problems.push(`${name} is not a setting of the gateway; did you mean ${nearest}?`);
  }
  return problems;
}
