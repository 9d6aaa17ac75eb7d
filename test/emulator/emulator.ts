import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callStats, control, safeJson } from './control';
import { faultsSchema, type Faults } from './faults';
import { errorDocument, REDSHIFT_NS, resultDocument, STS_NS, type WireFault } from './query-xml';
import { changeNamespace, describeClusters, describeDataSharesForProducer, serverlessAction } from './redshift';
import { accountOfArn, type Seed } from './seed';
import { checkSignature } from './sigv4';
import { EmulatorState, type Place, type QueryOutcome, type RecordedCall } from './state';
import { assumeRole, getCallerIdentity, type Signer } from './sts';

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
  /** The role (ARN) STS issued the access key to, if it issued it. */
  roleIssuedTo(accessKeyId: string): string | undefined;
  /** Every secret and session token this emulator has issued, so that tests can look for leaks. */
  issuedSecrets(): string[];
  /** Clears the record, the faults and the registrations; issued credentials stay valid. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * A local stand-in for AWS STS, Redshift and Redshift Serverless that speaks their protocols as the
 * AWS SDK sends and parses them, checks every SigV4 signature, and keeps its state in memory
 * (state.ts). One port serves them all; the action (and the credential scope of the signature) says
 * which: sts.ts, redshift.ts. `/_emulator/*` is its control API (control.ts).
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
  const state = new EmulatorState(seed, initialFaults);
  let connections = 0;
  const server = http.createServer((req, res) => {
    readBody(req)
      .then((body) =>
        req.url?.startsWith('/_emulator/')
          ? control(state, () => connections, req, res, body)
          : serveAws(state, req, res, body),
      )
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(error));
      });
  });
  server.on('connection', () => {
    connections += 1;
  });
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;

  return {
    url: `http://${host}:${address.port}`,
    calls: () => state.calls.map((call) => ({ ...call })),
    stats: () => callStats(state, connections),
    setFaults(next) {
      state.faults = { ...state.faults, ...faultsSchema.parse(next) };
    },
    faults: () => ({ ...state.faults }),
    expireIssuedCredentials: () => state.expireIssuedCredentials(),
    roleIssuedTo: (accessKeyId) => state.issued.get(accessKeyId)?.roleArn,
    issuedSecrets: () => [...state.issued.values()].flatMap((c) => [c.secretAccessKey, c.sessionToken]),
    reset: () => state.reset(),
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/**
 * One AWS call: parsed by protocol, recorded, its signature and session checked, the injected faults
 * applied, then answered by its service.
 */
async function serveAws(state: EmulatorState, req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
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
    ...(typeof req.headers.traceparent === 'string' && { traceparent: req.headers.traceparent }),
    ...(typeof req.headers.tracestate === 'string' && { tracestate: req.headers.tracestate }),
    ...(typeof req.headers.baggage === 'string' && { baggage: req.headers.baggage }),
    params,
    status: 0,
  };
  state.calls.push(record);

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
  const answer = (outcome: QueryOutcome) => {
    if ('fault' in outcome) return fail(outcome.fault);
    record.status = 200;
    record.result = outcome.result;
    res
      .writeHead(200, { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId })
      .end(resultDocument(action, namespace, outcome.xml, requestId));
  };

  if (req.method !== 'POST') return fail({ code: 'InvalidAction', status: 400, message: 'Use POST.' });
  const [path = '/', query = ''] = (req.url ?? '/').split('?');
  const check = checkSignature({ method: 'POST', path, query, headers: req.headers, body }, (key) =>
    state.secretFor(key),
  );
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
  const temporary = state.issued.get(check.signedBy.accessKeyId);
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
  const arn = temporary?.assumedRoleArn ?? state.base.get(check.signedBy.accessKeyId)?.arn ?? 'unknown';
  const signer: Signer = {
    accessKeyId: check.signedBy.accessKeyId,
    arn,
    account: accountOfArn(arn) ?? 'unknown',
    temporary: temporary !== undefined,
  };
  // Where the call acts: the account of the credentials it was signed with, the region it was signed
  // for. A gateway that signed a target's call with another target's credentials, or for another
  // region, reaches that account's or region's state, and the record shows it.
  const place: Place = { account: signer.account, region: check.signedBy.region };
  record.account = place.account;
  record.region = place.region;
  const ruled = state.takeErrorRule(
    service,
    action,
    action === 'AssumeRole' ? { ...place, account: accountOfArn(params.RoleArn ?? '') ?? '' } : place,
  );
  if (ruled) {
    if (ruled.latencyMs > 0) await delay(ruled.latencyMs, res);
    if (res.destroyed) return;
    return fail(ruled);
  }

  if (service === 'sts') {
    return answer(action === 'GetCallerIdentity' ? getCallerIdentity(signer) : assumeRole(state, params, signer));
  }
  // Redshift and Redshift Serverless: only the assumed role may call them; base credentials are
  // refused as IAM would.
  if (!signer.temporary) {
    return fail({
      code: 'AccessDenied',
      status: 403,
      message: `User: ${signer.arn} is not authorized to perform: ${service}:${action}`,
    });
  }
  const family = action === 'RegisterNamespace' || action === 'DeregisterNamespace' ? 'write' : 'read';
  if (!state.withinAccountQuota(place.account, family)) {
    return fail({
      code: json ? 'ThrottlingException' : 'Throttling',
      status: 400,
      message: 'Rate exceeded',
    });
  }
  if (service === 'redshift-serverless') {
    const outcome = serverlessAction(state, action, jsonInput, place);
    if ('fault' in outcome) return fail(outcome.fault);
    record.status = 200;
    res
      .writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': requestId })
      .end(JSON.stringify(outcome.result));
    return;
  }
  if (action === 'DescribeClusters') return answer(describeClusters(state, params, place));
  if (action === 'DescribeDataSharesForProducer') return answer(describeDataSharesForProducer(state, params, place));

  // The injected faults apply to the changes (RegisterNamespace, DeregisterNamespace).
  const { faults } = state;
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
  return answer(changeNamespace(state, action, params, place));
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
