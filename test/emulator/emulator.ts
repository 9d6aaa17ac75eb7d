import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { errorDocument, escapeXml, REDSHIFT_NS, resultDocument, STS_NS, type WireFault } from './query-xml';
import type { Seed } from './seed';
import { checkSignature } from './sigv4';

/** Failures the emulator injects, for tests. Counters count down as calls consume them. */
export interface Faults {
  /** Added before every Redshift answer. */
  latencyMs: number;
  /** The next N Redshift calls answer `Throttling` (400). */
  throttleNext: number;
  /** The next N Redshift calls answer `InternalFailure` (500). */
  serverErrorNext: number;
  /** The next N Redshift calls get their connection dropped, with no answer. */
  dropNext: number;
  /** While set, every AssumeRole fails with this code. */
  assumeRoleFailure: 'AccessDenied' | 'ServiceUnavailable' | null;
  /** When set, issued credentials last this long, whatever DurationSeconds asked for. */
  credentialLifetimeSeconds: number | null;
  /**
   * Any AWS error, by rule: the first rule that matches a call's service (and action, when given)
   * answers it with that wire code, HTTP status and message. A rule with `times` answers that many
   * calls and is then dropped; without it, every matching call.
   */
  errors: ErrorRule[];
  /**
   * When set, a successful Register/DeregisterNamespace answers this `Status` instead of its own;
   * the empty string leaves `Status` out of the answer.
   */
  answerStatus: string | null;
  /** A registration or deregistration shows in the producer's datashares only this long after the call. */
  registrationDelayMs: number;
}

export interface ErrorRule {
  service: 'redshift' | 'redshift-serverless' | 'sts';
  action?: string;
  code: string;
  status: number;
  message: string;
  times?: number;
}

export const NO_FAULTS: Readonly<Faults> = Object.freeze({
  latencyMs: 0,
  throttleNext: 0,
  serverErrorNext: 0,
  dropNext: 0,
  assumeRoleFailure: null,
  credentialLifetimeSeconds: null,
  errors: [],
  answerStatus: null,
  registrationDelayMs: 0,
});

const errorRuleSchema = z
  .object({
    service: z.enum(['redshift', 'redshift-serverless', 'sts']),
    action: z.string().min(1).optional(),
    code: z.string().regex(/^[A-Za-z.]{1,100}$/),
    status: z.number().int().min(400).max(599),
    message: z.string().max(2000),
    times: z.number().int().min(1).optional(),
  })
  .strict();

export const faultsSchema = z
  .object({
    latencyMs: z.number().int().min(0).max(600_000),
    throttleNext: z.number().int().min(0),
    serverErrorNext: z.number().int().min(0),
    dropNext: z.number().int().min(0),
    assumeRoleFailure: z.enum(['AccessDenied', 'ServiceUnavailable']).nullable(),
    credentialLifetimeSeconds: z.number().int().min(1).nullable(),
    errors: z.array(errorRuleSchema),
    answerStatus: z.string().max(100).nullable(),
    registrationDelayMs: z.number().int().min(0).max(3_600_000),
  })
  .partial()
  .strict();

/**
 * The faults `npm run emulator` and `npm run local` start with: EMULATOR_FAULTS (JSON), and
 * EMULATOR_REGISTRATION_DELAY_MS (default 2000), how long a registration takes to show in the status.
 */
export function faultsFromEnvironment(env: Readonly<Record<string, string | undefined>>): Partial<Faults> {
  return faultsSchema.parse({
    registrationDelayMs: Number(env.EMULATOR_REGISTRATION_DELAY_MS ?? 2000),
    ...(JSON.parse(env.EMULATOR_FAULTS ?? '{}') as object),
  });
}

/** One call as the emulator saw and answered it. */
export interface RecordedCall {
  at: string;
  service: 'sts' | 'redshift' | 'redshift-serverless' | 'unknown';
  action: string;
  /** The access key id the call was signed with, if any. */
  accessKeyId: string | undefined;
  /** The SDK's user agent headers, joined. */
  userAgent: string;
  params: Record<string, string>;
  status: number;
  /** The wire error code, for failed calls. */
  code?: string;
  /** The answer's result fields, for successful calls. */
  result?: Record<string, string>;
}

interface IssuedCredentials {
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  assumedRoleArn: string;
}

const STS_ACTIONS = new Set(['AssumeRole', 'GetCallerIdentity']);
const REDSHIFT_ACTIONS = new Set([
  'RegisterNamespace',
  'DeregisterNamespace',
  'DescribeClusters',
  'DescribeDataSharesForProducer',
]);
const SERVERLESS_ACTIONS = new Set(['GetNamespace', 'ListNamespaces']);
// Redshift Serverless speaks AWS JSON 1.1: the action is in this header, the input is a JSON body.
const SERVERLESS_TARGET_PREFIX = 'RedshiftServerless.';
const MAX_BODY_BYTES = 64 * 1024;

export interface Emulator {
  readonly url: string;
  /** Every call so far, oldest first. */
  calls(): RecordedCall[];
  /** TCP connections accepted since start, and calls since the last reset by action. */
  stats(): { connections: number; calls: Record<string, number> };
  setFaults(faults: Partial<Faults>): void;
  faults(): Faults;
  /**
   * Makes every credential issued so far expire now: calls signed with them are answered
   * `ExpiredToken`, as AWS answers a session its holder still believes valid (clock skew, revocation).
   */
  expireIssuedCredentials(): void;
  /** Every secret and session token this emulator has issued, so that tests can look for leaks. */
  issuedSecrets(): string[];
  /** Clears the record, the faults and the registrations; issued credentials stay valid. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * A local stand-in for AWS STS and Redshift that speaks the AWS Query protocol as
 * `@aws-sdk/client-sts` and `@aws-sdk/client-redshift` send and parse it, checks every SigV4
 * signature, and keeps its state in memory. One port serves both services; the action (and the
 * credential scope of the signature) says which. `/_emulator/*` is its control API.
 */
export async function startEmulator({
  seed,
  port = 0,
  host = '127.0.0.1',
  faults: initialFaults = {},
}: {
  seed: Seed;
  port?: number;
  host?: string;
  faults?: Partial<Faults>;
}): Promise<Emulator> {
  let faults: Faults = { ...NO_FAULTS, ...initialFaults };
  const calls: RecordedCall[] = [];
  const issued = new Map<string, IssuedCredentials>();
  const base = new Map(seed.baseCredentials.map((c) => [c.accessKeyId, c]));
  const clusters = new Map(seed.clusters.map((c) => [c.identifier, c]));
  // Per target and consumer: the registration as last asked, and as it was before, until the
  // registration delay has passed (what DescribeDataSharesForProducer shows).
  const registrations = new Map<string, { registered: boolean; before: boolean; changedAt: number }>();

  const secretFor = (accessKeyId: string) =>
    base.get(accessKeyId)?.secretAccessKey ?? issued.get(accessKeyId)?.secretAccessKey;

  const server = http.createServer((req, res) => {
    readBody(req)
      .then((body) => (req.url?.startsWith('/_emulator/') ? control(req, res, body) : serveAws(req, res, body)))
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(error));
      });
  });

  async function serveAws(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const target = req.headers['x-amz-target'];
    const json = typeof target === 'string' && target.startsWith(SERVERLESS_TARGET_PREFIX);
    const jsonInput = json ? ((safeJson(body) as Record<string, unknown> | undefined) ?? {}) : {};
    const params: Record<string, string> = json
      ? Object.fromEntries(Object.entries(jsonInput).map(([key, value]) => [key, String(value)]))
      : Object.fromEntries(new URLSearchParams(body));
    const action = json ? target.slice(SERVERLESS_TARGET_PREFIX.length) : (params.Action ?? '');
    const service = json
      ? SERVERLESS_ACTIONS.has(action)
        ? 'redshift-serverless'
        : 'unknown'
      : STS_ACTIONS.has(action)
        ? 'sts'
        : REDSHIFT_ACTIONS.has(action)
          ? 'redshift'
          : 'unknown';
    const namespace = service === 'sts' ? STS_NS : REDSHIFT_NS;
    const requestId = randomUUID();
    const record: RecordedCall = {
      at: new Date().toISOString(),
      service,
      action,
      accessKeyId: undefined,
      userAgent: [req.headers['user-agent'], req.headers['x-amz-user-agent']].filter(Boolean).join(' '),
      params,
      status: 0,
    };
    calls.push(record);

    const fail = (fault: WireFault) => {
      record.status = fault.status;
      record.code = fault.code;
      if (json) {
        res
          .writeHead(fault.status, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': requestId })
          .end(JSON.stringify({ __type: fault.code, message: fault.message }));
        return;
      }
      res
        .writeHead(fault.status, { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId })
        .end(errorDocument(namespace, fault, requestId));
    };
    const succeedJson = (result: unknown) => {
      record.status = 200;
      res
        .writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': requestId })
        .end(JSON.stringify(result));
    };
    const succeed = (result: Record<string, string>, resultXml: string) => {
      record.status = 200;
      record.result = result;
      res
        .writeHead(200, { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId })
        .end(resultDocument(action, namespace, resultXml, requestId));
    };

    if (req.method !== 'POST') return fail({ code: 'InvalidAction', status: 400, message: 'Use POST.' });
    const [path = '/', query = ''] = (req.url ?? '/').split('?');
    const check = checkSignature({ method: 'POST', path, query, headers: req.headers, body }, secretFor);
    record.accessKeyId = check.ok ? check.signedBy.accessKeyId : check.accessKeyId;
    if (!check.ok) return fail(signatureFault(check.reason));
    if (service === 'unknown') {
      return fail({ code: 'InvalidAction', status: 400, message: `Could not find operation ${action}.` });
    }
    if (check.signedBy.service !== service) {
      return fail({
        code: 'SignatureDoesNotMatch',
        status: 403,
        message: `Credential should be scoped to correct service: '${service}'.`,
      });
    }
    const temporary = issued.get(check.signedBy.accessKeyId);
    if (temporary) {
      if (req.headers['x-amz-security-token'] !== temporary.sessionToken) {
        return fail({
          code: 'InvalidClientTokenId',
          status: 403,
          message: 'The security token included in the request is invalid.',
        });
      }
      if (temporary.expiration.getTime() <= Date.now()) {
        return fail({
          code: 'ExpiredToken',
          status: 403,
          message: 'The security token included in the request is expired',
        });
      }
    }
    const caller = temporary?.assumedRoleArn ?? base.get(check.signedBy.accessKeyId)?.arn ?? 'unknown';
    const ruled = takeErrorRule(service, action);
    if (ruled) return fail(ruled);

    if (service === 'sts') {
      if (action === 'GetCallerIdentity') {
        return succeed(
          { Arn: caller },
          `<Arn>${escapeXml(caller)}</Arn><UserId>${check.signedBy.accessKeyId}</UserId><Account>${seed.accountId}</Account>`,
        );
      }
      return assumeRole(params, temporary !== undefined, caller, fail, succeed);
    }

    // Redshift and Redshift Serverless: only the assumed role may call them; base credentials are
    // refused as IAM would.
    if (!temporary) {
      return fail({
        code: 'AccessDenied',
        status: 403,
        message: `User: ${caller} is not authorized to perform: ${service}:${action}`,
      });
    }
    const region = check.signedBy.region;
    if (service === 'redshift-serverless') {
      const outcome = serverlessAction(action, jsonInput, region);
      return 'fault' in outcome ? fail(outcome.fault) : succeedJson(outcome.result);
    }
    if (action === 'DescribeClusters') {
      const cluster = clusters.get(params.ClusterIdentifier ?? '');
      if (!cluster) {
        return fail({
          code: 'ClusterNotFound',
          status: 404,
          message: `Cluster ${params.ClusterIdentifier} not found.`,
        });
      }
      const arn = producerArn(`cluster:${cluster.identifier}`, region);
      return succeed(
        { ClusterNamespaceArn: arn },
        `<Clusters><Cluster><ClusterIdentifier>${escapeXml(cluster.identifier)}</ClusterIdentifier>` +
          `<ClusterStatus>${escapeXml(cluster.status)}</ClusterStatus><ClusterNamespaceArn>${escapeXml(arn)}</ClusterNamespaceArn></Cluster></Clusters>`,
      );
    }
    if (action === 'DescribeDataSharesForProducer') {
      return succeed({}, dataSharesXml(params.ProducerArn ?? '', region));
    }
    if (faults.dropNext > 0) {
      faults.dropNext -= 1;
      record.status = 0;
      record.code = 'ConnectionDropped';
      req.socket.destroy();
      return;
    }
    if (faults.latencyMs > 0) await delay(faults.latencyMs, res);
    if (res.destroyed) return;
    if (faults.throttleNext > 0) {
      faults.throttleNext -= 1;
      return fail({ code: 'Throttling', status: 400, message: 'Rate exceeded' });
    }
    if (faults.serverErrorNext > 0) {
      faults.serverErrorNext -= 1;
      return fail({ code: 'InternalFailure', status: 500, message: 'The request processing has failed.' });
    }
    const outcome = namespaceAction(action, params);
    if ('fault' in outcome) return fail(outcome.fault);
    const changed = registrations.get(outcome.key);
    registrations.set(outcome.key, {
      registered: action === 'RegisterNamespace',
      before: changed ? effective(changed) : false,
      changedAt: Date.now(),
    });
    const status = faults.answerStatus ?? outcome.status;
    return status === '' ? succeed({}, '') : succeed({ Status: status }, `<Status>${escapeXml(status)}</Status>`);
  }

  function effective(entry: { registered: boolean; before: boolean; changedAt: number }): boolean {
    return Date.now() - entry.changedAt >= faults.registrationDelayMs ? entry.registered : entry.before;
  }

  /** A producer namespace's ARN: a cluster's (`cluster:<id>`) or a serverless namespace's (`namespace:<id>`). */
  function producerArn(target: string, region: string): string {
    const [kind, id = ''] = target.split(/:(.*)/);
    if (kind === 'namespace') return `arn:aws:redshift-serverless:${region}:${seed.accountId}:namespace/${id}`;
    const hex = createHash('sha256').update(id).digest('hex');
    const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
    return `arn:aws:redshift:${region}:${seed.accountId}:namespace:${uuid}`;
  }

  /** The producer's INTERNAL datashare, which RegisterNamespace creates, with its consumers: none when nobody is registered. */
  function dataSharesXml(arn: string, region: string): string {
    const consumers: string[] = [];
    for (const [key, entry] of registrations) {
      const [target = '', consumer = ''] = key.split('|');
      if (producerArn(target, region) === arn && effective(entry)) consumers.push(consumer);
    }
    if (consumers.length === 0) return '<DataShares/>';
    const associations = consumers
      .map(
        (consumer) =>
          `<member><ConsumerIdentifier>${escapeXml(consumer)}</ConsumerIdentifier><Status>ACTIVE</Status></member>`,
      )
      .join('');
    return (
      `<DataShares><member><DataShareArn>${escapeXml(`${arn.replace(/:namespace[:/]/, ':datashare:')}/internal`)}</DataShareArn>` +
      `<ProducerArn>${escapeXml(arn)}</ProducerArn><DataShareType>INTERNAL</DataShareType>` +
      `<DataShareAssociations>${associations}</DataShareAssociations></member></DataShares>`
    );
  }

  /** Redshift Serverless GetNamespace (by name) and ListNamespaces (one namespace a page, to exercise paging). */
  function serverlessAction(
    action: string,
    input: Record<string, unknown>,
    region: string,
  ): { result: unknown } | { fault: WireFault } {
    const describe = (found: Seed['serverlessNamespaces'][number]) => ({
      namespaceName: found.name,
      namespaceId: found.id,
      namespaceArn: producerArn(`namespace:${found.id}`, region),
      status: 'AVAILABLE',
    });
    if (action === 'GetNamespace') {
      const found = seed.serverlessNamespaces.find((n) => n.name === input.namespaceName);
      return found
        ? { result: { namespace: describe(found) } }
        : {
            fault: {
              code: 'ResourceNotFoundException',
              status: 404,
              message: `Namespace ${String(input.namespaceName)} not found.`,
            },
          };
    }
    const index = Number(input.nextToken ?? 0);
    const page = seed.serverlessNamespaces.slice(index, index + 1).map(describe);
    const more = index + 1 < seed.serverlessNamespaces.length;
    return { result: { namespaces: page, ...(more ? { nextToken: String(index + 1) } : {}) } };
  }

  /** The first error rule for this call, consuming one of its `times`. */
  function takeErrorRule(service: 'sts' | 'redshift' | 'redshift-serverless', action: string): WireFault | undefined {
    const index = faults.errors.findIndex(
      (rule) => rule.service === service && (rule.action === undefined || rule.action === action),
    );
    const rule = faults.errors[index];
    if (rule === undefined) return undefined;
    if (rule.times !== undefined) {
      const remaining = rule.times - 1;
      faults = {
        ...faults,
        errors: faults.errors.flatMap((r, i) =>
          i !== index ? [r] : remaining > 0 ? [{ ...r, times: remaining }] : [],
        ),
      };
    }
    return { code: rule.code, status: rule.status, message: rule.message };
  }

  function assumeRole(
    params: Record<string, string>,
    signedByTemporary: boolean,
    caller: string,
    fail: (fault: WireFault) => void,
    succeed: (result: Record<string, string>, xml: string) => void,
  ): void {
    if (faults.assumeRoleFailure === 'ServiceUnavailable') {
      return fail({ code: 'ServiceUnavailable', status: 503, message: 'Service is unavailable.' });
    }
    const roleArn = params.RoleArn ?? '';
    const sessionName = params.RoleSessionName ?? '';
    if (!roleArn || !/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
      return fail({
        code: 'ValidationError',
        status: 400,
        message: 'RoleArn and a valid RoleSessionName are required.',
      });
    }
    const duration = Number(params.DurationSeconds ?? 3600);
    if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
      return fail({
        code: 'ValidationError',
        status: 400,
        message: `1 validation error detected: Value '${params.DurationSeconds}' at 'durationSeconds' failed to satisfy constraint`,
      });
    }
    const role = seed.roles.find((r) => r.arn === roleArn);
    const denied = {
      code: 'AccessDenied',
      status: 403,
      message: `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    };
    if (faults.assumeRoleFailure === 'AccessDenied' || signedByTemporary || !role) return fail(denied);
    if (role.externalId !== undefined && params.ExternalId !== role.externalId) return fail(denied);

    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const lifetime = faults.credentialLifetimeSeconds ?? duration;
    const credentials: IssuedCredentials = {
      secretAccessKey: randomBytes(20).toString('base64url'),
      sessionToken: randomBytes(48).toString('base64url'),
      expiration: new Date(Date.now() + lifetime * 1000),
      assumedRoleArn: `${roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/${sessionName}`,
    };
    issued.set(accessKeyId, credentials);
    succeed(
      { AccessKeyId: accessKeyId, Expiration: credentials.expiration.toISOString() },
      `<AssumedRoleUser><Arn>${escapeXml(credentials.assumedRoleArn)}</Arn>` +
        `<AssumedRoleId>AROA${randomBytes(8).toString('hex').toUpperCase()}:${escapeXml(sessionName)}</AssumedRoleId></AssumedRoleUser>` +
        `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${credentials.secretAccessKey}</SecretAccessKey>` +
        `<SessionToken>${credentials.sessionToken}</SessionToken><Expiration>${credentials.expiration.toISOString()}</Expiration></Credentials>`,
    );
  }

  /** RegisterNamespace and DeregisterNamespace, with the faults AWS gives for each bad target. */
  function namespaceAction(
    action: string,
    params: Record<string, string>,
  ): { status: string; key: string } | { fault: WireFault } {
    const cluster = params['NamespaceIdentifier.ProvisionedIdentifier.ClusterIdentifier'];
    const namespace = params['NamespaceIdentifier.ServerlessIdentifier.NamespaceIdentifier'];
    const workgroup = params['NamespaceIdentifier.ServerlessIdentifier.WorkgroupIdentifier'];
    const consumers = Object.keys(params).filter((key) => key.startsWith('ConsumerIdentifiers.member.'));
    const consumer = params['ConsumerIdentifiers.member.1'];
    if ((cluster === undefined) === (namespace === undefined && workgroup === undefined)) {
      return {
        fault: {
          code: 'InvalidParameterCombination',
          status: 400,
          message: 'Specify exactly one NamespaceIdentifier.',
        },
      };
    }
    if (consumer === undefined || consumers.length !== 1) {
      return {
        fault: { code: 'InvalidParameterValue', status: 400, message: 'Specify exactly one ConsumerIdentifier.' },
      };
    }

    let target: string;
    if (cluster !== undefined) {
      const found = clusters.get(cluster);
      if (!found) return { fault: { code: 'ClusterNotFound', status: 404, message: `Cluster ${cluster} not found.` } };
      if (found.status !== 'available') {
        return {
          fault: {
            code: 'InvalidClusterState',
            status: 400,
            message: `The operation can't be performed while the cluster ${cluster} is in ${found.status} state.`,
          },
        };
      }
      target = `cluster:${cluster}`;
    } else {
      const found = seed.serverlessNamespaces.find((n) => n.name === namespace || n.id === namespace);
      if (!found)
        return { fault: { code: 'InvalidNamespaceFault', status: 400, message: `Namespace ${namespace} not found.` } };
      if (workgroup === undefined || !found.workgroups.includes(workgroup)) {
        return {
          fault: {
            code: 'InvalidNamespaceFault',
            status: 400,
            message: `Workgroup ${workgroup} is not associated with namespace ${namespace}.`,
          },
        };
      }
      target = `namespace:${found.id}`;
    }
    const key = `${target}|${consumer}`;
    return { status: action === 'RegisterNamespace' ? 'Registering' : 'Deregistering', key };
  }

  function control(req: IncomingMessage, res: ServerResponse, body: string): void {
    const json = (status: number, value: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
    };
    const route = `${req.method} ${req.url?.split('?')[0]}`;
    switch (route) {
      case 'GET /_emulator/calls':
        return json(200, calls);
      case 'DELETE /_emulator/calls':
        calls.length = 0;
        return json(200, calls);
      case 'GET /_emulator/stats':
        return json(200, stats());
      case 'GET /_emulator/faults':
        return json(200, faults);
      case 'PUT /_emulator/faults': {
        const parsed = faultsSchema.safeParse(safeJson(body));
        if (!parsed.success) return json(400, { error: z.prettifyError(parsed.error) });
        faults = { ...faults, ...parsed.data };
        return json(200, faults);
      }
      case 'POST /_emulator/credentials/expire':
        expireIssuedCredentials();
        return json(200, { expired: issued.size });
      case 'POST /_emulator/reset':
        reset();
        return json(200, { reset: true });
      default:
        return json(404, { error: `no control route ${route}` });
    }
  }

  function expireIssuedCredentials(): void {
    const past = new Date(Date.now() - 1000);
    for (const credentials of issued.values()) credentials.expiration = past;
  }

  function reset(): void {
    calls.length = 0;
    faults = { ...NO_FAULTS };
    registrations.clear();
  }

  let connections = 0;
  server.on('connection', () => {
    connections += 1;
  });
  const stats = () => {
    const byAction: Record<string, number> = {};
    for (const call of calls) byAction[call.action] = (byAction[call.action] ?? 0) + 1;
    return { connections, calls: byAction };
  };

  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;

  return {
    url: `http://${host}:${address.port}`,
    calls: () => calls.map((call) => ({ ...call })),
    stats,
    setFaults(next) {
      faults = { ...faults, ...faultsSchema.parse(next) };
    },
    faults: () => ({ ...faults }),
    expireIssuedCredentials,
    issuedSecrets: () => [...issued.values()].flatMap((c) => [c.secretAccessKey, c.sessionToken]),
    reset,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

function signatureFault(reason: 'missing' | 'malformed' | 'unknown-key' | 'mismatch'): WireFault {
  switch (reason) {
    case 'missing':
      return { code: 'MissingAuthenticationToken', status: 403, message: 'Request is missing Authentication Token' };
    case 'malformed':
      return {
        code: 'IncompleteSignature',
        status: 400,
        message: 'The request signature does not conform to AWS standards.',
      };
    case 'unknown-key':
      return {
        code: 'InvalidClientTokenId',
        status: 403,
        message: 'The security token included in the request is invalid.',
      };
    case 'mismatch':
      return {
        code: 'SignatureDoesNotMatch',
        status: 403,
        message: 'The request signature we calculated does not match the signature you provided.',
      };
  }
}

/** Waits `ms`, or less if the caller goes away meanwhile (so that close() is not held up). */
function delay(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    res.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
