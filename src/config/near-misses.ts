import { partition } from '@aws-sdk/core/client';

// "Did you mean": a misspelt variable would otherwise be ignored without a word and its default used,
// and a misspelt region would only fail at the first AWS call.

/** Edit distance with adjacent transpositions (optimal string alignment): `REGOIN` is 1 from `REGION`. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

function closest(name: string, candidates: Iterable<string>, maxDistance: number): string | undefined {
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

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

// Region names follow `<area>-<direction>-<n>`; probing the SDK's partition table with every such
// name lists the regions it knows (the table itself is not exported).
const AREAS = ['us', 'eu', 'ap', 'sa', 'ca', 'me', 'af', 'il', 'mx', 'cn', 'us-gov', 'us-iso', 'us-isob', 'eu-isoe'];
const DIRECTIONS = ['north', 'south', 'east', 'west', 'central', 'northeast', 'northwest', 'southeast', 'southwest'];

/** True when this SDK version's endpoint partitions name the region (not only match its pattern). */
const isKnownRegion = (region: string): boolean => 'description' in partition(region);

/** A problem for a region the SDK does not know, with the nearest region it does; undefined when known. */
export function unknownRegionProblem(region: string): string | undefined {
  if (isKnownRegion(region)) return undefined;
  const known = AREAS.flatMap((area) =>
    DIRECTIONS.flatMap((direction) => Array.from({ length: 9 }, (_, i) => `${area}-${direction}-${i + 1}`)),
  ).filter(isKnownRegion);
  const nearest = closest(region, known, 3);
  return `AWS_REGION '${region}' is not a region this AWS SDK knows${nearest === undefined ? '' : `; did you mean ${nearest}?`}`;
}
