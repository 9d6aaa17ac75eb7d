import { createHash } from 'node:crypto';
import { NO_FAULTS, type Faults } from './faults';
import type { WireFault } from './query-xml';
import type { Seed, SeedResources } from './seed';

/** One call as the emulator saw and answered it. */
export interface RecordedCall {
  at: string;
  service: 'sts' | 'redshift' | 'redshift-serverless' | 'unknown';
  action: string;
  /** The access key id the call was signed with, if any. */
  accessKeyId: string | undefined;
  /** The account of the credentials that signed the call, once the signature checked out. */
  account?: string;
  /** The region of the signature's credential scope, once the signature checked out. */
  region?: string;
  /** The SDK's user agent headers, joined. */
  userAgent: string;
  /** The W3C trace context the call carried, if any. */
  traceparent?: string;
  tracestate?: string;
  /** A W3C `baggage` header, had the gateway passed one on. */
  baggage?: string;
  params: Record<string, string>;
  status: number;
  /** The wire error code, for failed calls. */
  code?: string;
  /** The answer's result fields, for successful calls. */
  result?: Record<string, string>;
}

export interface IssuedCredentials {
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  /** The role assumed, and the session's own ARN. */
  roleArn: string;
  assumedRoleArn: string;
}

/** A registration as last asked, and as it was before, until the registration delay has passed. */
interface RegistrationEntry {
  registered: boolean;
  before: boolean;
  changedAt: number;
}

/** Where a call acts: the account of its credentials and the region of its signature. */
export interface Place {
  readonly account: string;
  readonly region: string;
}

/** What a service answers a call with: a fault, or the result fields (for the record) and the result XML. */
export type QueryOutcome = { fault: WireFault } | { result: Record<string, string>; xml: string };

/** The emulator's memory: the seed, the faults in force, the calls, the issued credentials, the registrations. */
export class EmulatorState {
  faults: Faults;
  readonly calls: RecordedCall[] = [];
  readonly issued = new Map<string, IssuedCredentials>();
  readonly base: ReadonlyMap<string, Seed['baseCredentials'][number]>;
  // The account rate limits' buckets, per account and family: tokens and when they were counted.
  private readonly quotaBuckets = new Map<string, { tokens: number; at: number }>();
  // Per account, region, namespace and consumer (`<account>|<region>|cluster:<id>|DataCatalog/<account>`).
  private readonly registrations = new Map<string, RegistrationEntry>();

  constructor(
    readonly seed: Seed,
    initialFaults: Partial<Faults>,
  ) {
    this.faults = { ...NO_FAULTS, ...initialFaults };
    this.base = new Map(seed.baseCredentials.map((c) => [c.accessKeyId, c]));
  }

  /** The clusters and serverless namespaces of an account in a region: none where the seed has none. */
  resourcesAt({ account, region }: Place): Pick<SeedResources, 'clusters' | 'serverlessNamespaces'> {
    const found = this.seed.resources.find((r) => r.accountId === account && r.region === region);
    return found ?? { clusters: [], serverlessNamespaces: [] };
  }

  /** The secret of a base or an issued access key, for the signature check. */
  secretFor(accessKeyId: string): string | undefined {
    return this.base.get(accessKeyId)?.secretAccessKey ?? this.issued.get(accessKeyId)?.secretAccessKey;
  }

  /** Records a change of the registration of `namespace` (`cluster:<id>`, `namespace:<id>`) to `consumer`; it shows after the registration delay. */
  recordChange(place: Place, namespace: string, consumer: string, registered: boolean): void {
    const key = [place.account, place.region, namespace, consumer].join('|');
    const changed = this.registrations.get(key);
    // The same change again (a registration while one is under way or done): it goes on as it was,
    // rather than starting over; otherwise changes more frequent than the delay would never show.
    if (changed !== undefined && changed.registered === registered) return;
    this.registrations.set(key, {
      registered,
      before: changed ? this.effective(changed) : false,
      changedAt: Date.now(),
    });
  }

  /** The consumers registered now (the delay passed) to the producer of ARN `arn`, in its account and region. */
  consumersOf(place: Place, arn: string): string[] {
    const consumers: string[] = [];
    for (const [key, entry] of this.registrations) {
      const [account, region, namespace = '', consumer = ''] = key.split('|');
      if (account !== place.account || region !== place.region) continue;
      if (this.producerArn(place, namespace) === arn && this.effective(entry)) consumers.push(consumer);
    }
    return consumers;
  }

  /** A producer namespace's ARN: a cluster's (`cluster:<id>`) or a serverless namespace's (`namespace:<id>`). */
  producerArn({ account, region }: Place, namespace: string): string {
    const [kind, id = ''] = namespace.split(/:(.*)/);
    if (kind === 'namespace') return `arn:aws:redshift-serverless:${region}:${account}:namespace/${id}`;
    // The same cluster name in two accounts or regions is two namespaces.
    const hex = createHash('sha256').update(`${account}|${region}|${id}`).digest('hex');
    const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
    return `arn:aws:redshift:${region}:${account}:namespace:${uuid}`;
  }

  /**
   * The first error rule for this call, consuming one of its `times`. `place` is where the call acts:
   * the account of the role for AssumeRole, of the signer for the others, and the signature's region.
   */
  takeErrorRule(
    service: 'sts' | 'redshift' | 'redshift-serverless',
    action: string,
    place: Place,
  ): (WireFault & { latencyMs: number }) | undefined {
    const { errors } = this.faults;
    const index = errors.findIndex(
      (rule) =>
        rule.service === service &&
        (rule.action === undefined || rule.action === action) &&
        (rule.account === undefined || rule.account === place.account) &&
        (rule.region === undefined || rule.region === place.region),
    );
    const rule = errors[index];
    if (rule === undefined) return undefined;
    if (rule.times !== undefined) {
      const remaining = rule.times - 1;
      this.faults = {
        ...this.faults,
        errors: errors.flatMap((r, i) => (i !== index ? [r] : remaining > 0 ? [{ ...r, times: remaining }] : [])),
      };
    }
    return { code: rule.code, status: rule.status, message: rule.message, latencyMs: rule.latencyMs ?? 0 };
  }

  /**
   * Whether AWS's quota (the fault `accountRateLimits`) lets this call of `account` in `family` through;
   * takes its token when it does.
   */
  withinAccountQuota(account: string, family: 'write' | 'read'): boolean {
    const limit = this.faults.accountRateLimits.find(
      (rule) => rule.family === family && (rule.account === undefined || rule.account === account),
    );
    if (limit === undefined) return true;
    const key = `${account}|${family}`;
    const now = performance.now();
    const bucket = this.quotaBuckets.get(key) ?? { tokens: limit.perSecond, at: now };
    bucket.tokens = Math.min(limit.perSecond, bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond);
    bucket.at = now;
    this.quotaBuckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  expireIssuedCredentials(): void {
    const past = new Date(Date.now() - 1000);
    for (const credentials of this.issued.values()) credentials.expiration = past;
  }

  /** Clears the record, the faults and the registrations; issued credentials stay valid. */
  reset(): void {
    this.calls.length = 0;
    this.faults = { ...NO_FAULTS };
    this.registrations.clear();
    this.quotaBuckets.clear();
  }

  private effective(entry: RegistrationEntry): boolean {
    return Date.now() - entry.changedAt >= this.faults.registrationDelayMs ? entry.registered : entry.before;
  }
}
