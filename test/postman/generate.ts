// `npm run postman:generate` writes the Postman collection and its environment for `npm run local`
// under openapi/postman/; `npm run postman:check` fails when the committed files are stale.
// The requests come from the contract (openapi-to-postmanv2); the "Scenarios" folder adds the
// answers a newcomer should see, each with Postman tests, and newman runs them in `npm test`.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import Converter from 'openapi-to-postmanv2';
import { parse } from 'yaml';
import { LOCAL_API_KEY } from '../../src/http/auth/api-keys';

const ROOT = `${__dirname}/../..`;
export const COLLECTION_PATH = `${ROOT}/openapi/postman/gateway.postman_collection.json`;
export const ENVIRONMENT_PATH = `${ROOT}/openapi/postman/local.postman_environment.json`;

interface Scenario {
  name: string;
  path: string;
  /** A POST's body; a scenario without one is a GET. */
  body?: unknown;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  noAuth?: boolean;
  tests: string[];
}

const provisioned = (ClusterIdentifier: string) => ({
  NamespaceIdentifier: { ProvisionedIdentifier: { ClusterIdentifier } },
  ConsumerIdentifiers: ['DataCatalog/111122223333'],
});

const problem = (status: number, slug: string) => [
  `pm.test('status is ${status}', () => pm.response.to.have.status(${status}));`,
  `pm.test('answer is a problem document', () => pm.expect(pm.response.headers.get('Content-Type')).to.match(/^application\\/problem\\+json/));`,
  `pm.test('problem type is ${slug}', () => pm.expect(pm.response.json().type).to.eql('/problems/${slug}'));`,
  `pm.test('problem names the request', () => pm.expect(pm.response.json().requestId).to.eql(pm.response.headers.get('X-Request-Id')));`,
];

const scenarios: Scenario[] = [
  {
    name: 'Register a provisioned cluster: 202',
    path: 'namespaces/registrations',
    body: provisioned('analytics-prod'),
    tests: [
      `pm.test('status is 202', () => pm.response.to.have.status(202));`,
      `pm.test('Redshift is registering', () => pm.expect(pm.response.json()).to.eql({ Status: 'Registering' }));`,
      `pm.test('has a request id', () => pm.response.to.have.header('X-Request-Id'));`,
    ],
  },
  {
    name: 'Register a serverless namespace: 202',
    path: 'namespaces/registrations',
    body: {
      NamespaceIdentifier: {
        ServerlessIdentifier: { NamespaceIdentifier: 'sales-ns', WorkgroupIdentifier: 'sales-wg' },
      },
      ConsumerIdentifiers: ['DataCatalog/444455556666'],
    },
    tests: [
      `pm.test('status is 202', () => pm.response.to.have.status(202));`,
      `pm.test('Redshift is registering', () => pm.expect(pm.response.json().Status).to.eql('Registering'));`,
    ],
  },
  {
    name: 'Deregister a provisioned cluster: 202',
    path: 'namespaces/deregistrations',
    body: provisioned('analytics-dev'),
    tests: [
      `pm.test('status is 202', () => pm.response.to.have.status(202));`,
      `pm.test('Redshift is deregistering', () => pm.expect(pm.response.json()).to.eql({ Status: 'Deregistering' }));`,
    ],
  },
  {
    name: 'Register and wait until it shows (Prefer: wait=30): 200 Registered',
    path: 'namespaces/registrations',
    body: provisioned('analytics-dev'),
    headers: { Prefer: 'wait=30' },
    tests: [
      `pm.test('status is 200', () => pm.response.to.have.status(200));`,
      `pm.test('the wait was applied', () => pm.expect(pm.response.headers.get('Preference-Applied')).to.eql('wait=30'));`,
      `pm.test('it is registered', () => pm.expect(pm.response.json().Status).to.eql('Registered'));`,
      `pm.test('names the status resource', () => pm.expect(pm.response.headers.get('Location')).to.include('/namespaces/registrations/status?'));`,
    ],
  },
  {
    name: 'Status of that cluster: 200 Registered',
    path: 'namespaces/registrations/status',
    query: { ClusterIdentifier: 'analytics-dev', ConsumerIdentifier: 'DataCatalog/111122223333' },
    tests: [
      `pm.test('status is 200', () => pm.response.to.have.status(200));`,
      `pm.test('it is registered', () => pm.expect(pm.response.json().Status).to.eql('Registered'));`,
      `pm.test('names the internal datashare', () => pm.expect(pm.response.json().DataShareArn).to.include(':datashare:'));`,
    ],
  },
  {
    name: 'Both union members: 400 validation-failed',
    path: 'namespaces/registrations',
    body: {
      NamespaceIdentifier: {
        ProvisionedIdentifier: { ClusterIdentifier: 'analytics-prod' },
        ServerlessIdentifier: { NamespaceIdentifier: 'sales-ns', WorkgroupIdentifier: 'sales-wg' },
      },
      ConsumerIdentifiers: ['DataCatalog/111122223333'],
    },
    tests: [
      ...problem(400, 'validation-failed'),
      `pm.test('names the field', () => pm.expect(pm.response.json().errors[0].pointer).to.eql('/NamespaceIdentifier'));`,
    ],
  },
  {
    name: 'No API key: 401 unauthorized',
    path: 'namespaces/registrations',
    body: provisioned('analytics-prod'),
    noAuth: true,
    tests: [
      ...problem(401, 'unauthorized'),
      `pm.test('says how to authenticate', () => pm.response.to.have.header('WWW-Authenticate'));`,
    ],
  },
  {
    name: 'Unknown cluster: 404 cluster-not-found',
    path: 'namespaces/registrations',
    body: provisioned('no-such-cluster'),
    tests: [
      ...problem(404, 'cluster-not-found'),
      `pm.test('carries the AWS code', () => pm.expect(pm.response.json().upstream.code).to.eql('ClusterNotFound'));`,
    ],
  },
  {
    name: 'Cluster not available: 409 invalid-cluster-state',
    path: 'namespaces/registrations',
    body: provisioned('analytics-resizing'),
    tests: [
      ...problem(409, 'invalid-cluster-state'),
      `pm.test('carries the AWS code', () => pm.expect(pm.response.json().upstream.code).to.eql('InvalidClusterState'));`,
    ],
  },
];

function toItem(scenario: Scenario) {
  const query = Object.entries(scenario.query ?? {}).map(([key, value]) => ({ key, value }));
  const raw = `{{baseUrl}}/${scenario.path}${query.length ? `?${query.map(({ key, value }) => `${key}=${value}`).join('&')}` : ''}`;
  const headers = Object.entries(scenario.headers ?? {}).map(([key, value]) => ({ key, value }));
  return {
    name: scenario.name,
    request: {
      method: scenario.body === undefined ? 'GET' : 'POST',
      url: { raw, host: ['{{baseUrl}}'], path: scenario.path.split('/'), ...(query.length ? { query } : {}) },
      header: scenario.body === undefined ? headers : [{ key: 'Content-Type', value: 'application/json' }, ...headers],
      ...(scenario.body === undefined
        ? {}
        : {
            body: { mode: 'raw', raw: JSON.stringify(scenario.body, null, 2), options: { raw: { language: 'json' } } },
          }),
      ...(scenario.noAuth ? { auth: { type: 'noauth' } } : {}),
    },
    event: [{ listen: 'test', script: { type: 'text/javascript', exec: scenario.tests } }],
  };
}

interface ConvertedItem {
  name: string;
  item?: ConvertedItem[];
  request?: { method: string; url: { path: string[]; query?: QueryParameter[] } };
  event?: unknown[];
}

interface QueryParameter {
  key: string;
  value: string;
  disabled?: boolean;
}

/**
 * The status resource takes a cluster or a serverless namespace, not both: the converter lists every
 * parameter, so the serverless ones come disabled, ready to switch on instead of ClusterIdentifier.
 */
function oneTargetKind(query: QueryParameter[] | undefined): QueryParameter[] | undefined {
  if (!query?.some((parameter) => parameter.key === 'ClusterIdentifier')) return query;
  return query.map((parameter) =>
    ['NamespaceIdentifier', 'WorkgroupIdentifier'].includes(parameter.key)
      ? { ...parameter, disabled: true }
      : parameter,
  );
}

type Operations = Record<string, Record<string, { responses?: Record<string, { content?: Record<string, unknown> }> }>>;

/**
 * The contract's own requests, each with tests that the answer is one of the operation's success
 * statuses and its content type.
 */
function withContractTests(items: ConvertedItem[], paths: Operations): ConvertedItem[] {
  return items.map((item) => {
    if (item.item) return { ...item, item: withContractTests(item.item, paths) };
    if (!item.request) return item;
    const { method, url } = item.request;
    // Postman writes a path parameter `:name`, OpenAPI `{name}`.
    const path = `/${url.path.map((segment) => segment.replace(/^:(.+)$/, '{$1}')).join('/')}`;
    const responses = paths[path]?.[method.toLowerCase()]?.responses ?? {};
    const successes = Object.entries(responses).filter(([code]) => /^2\d\d$/.test(code));
    const [status, success] = successes[0] ?? [];
    if (status === undefined) throw new Error(`${method} ${path} has no 2xx answer in the contract`);
    const contentType = Object.keys(success?.content ?? {})[0];
    // An operation with several successes (a PUT that applied all, some, or is still applying) may answer any.
    const codes = successes.map(([code]) => code);
    const tests = [
      codes.length === 1
        ? `pm.test('status is ${status}', () => pm.response.to.have.status(${status}));`
        : `pm.test('status is one of ${codes.join(', ')}', () => pm.expect(pm.response.code).to.be.oneOf([${codes.join(', ')}]));`,
      ...(contentType === undefined
        ? []
        : [
            `pm.test('answer is ${contentType}', () => pm.expect(pm.response.headers.get('Content-Type')).to.include('${contentType}'));`,
          ]),
    ];
    return {
      ...item,
      request: { ...item.request, url: { ...item.request.url, query: oneTargetKind(item.request.url.query) } },
      event: [{ listen: 'test', script: { type: 'text/javascript', exec: tests } }],
    };
  });
}

/**
 * Every Idempotency-Key header, in requests and in their saved examples alike, gets a fresh value per
 * send: a fixed one would replay the first answer (or 422 on another body) and, on a shared API key,
 * block everyone else's different request under that key.
 */
function freshIdempotencyKeys(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(freshIdempotencyKeys);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node).map(([key, value]) => [key, freshIdempotencyKeys(value)]);
  const header = Object.fromEntries(entries) as Record<string, unknown>;
  return header.key === 'Idempotency-Key' && 'value' in header ? { ...header, value: '{{$guid}}' } : header;
}

// Where the contract gives no example the converter fakes one at random, so every schema and header
// that reaches a response carries an example in openapi/gateway.yaml; postman:check catches a miss.
/** Postman ids are random UUIDs; stable ones, made from each node's place, keep the files reproducible. */
function stableIds(node: unknown, place = 'collection'): unknown {
  if (Array.isArray(node)) return node.map((child, index) => stableIds(child, `${place}/${index}`));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => {
      if (key === 'id' || key === '_postman_id') {
        const hex = createHash('sha1').update(`${place}/${key}`).digest('hex');
        return [
          key,
          `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`,
        ];
      }
      return [key, stableIds(value, `${place}/${key}`)];
    }),
  );
}

export async function generate(): Promise<{ collection: string; environment: string }> {
  const contractText = readFileSync(`${ROOT}/openapi/gateway.yaml`, 'utf8');
  const { paths } = parse(contractText) as { paths: Operations };
  const converted = await new Promise<Record<string, unknown>>((resolve, reject) => {
    Converter.convert(
      { type: 'string', data: contractText },
      {
        folderStrategy: 'Tags',
        requestParametersResolution: 'Example',
        exampleParametersResolution: 'Example',
      },
      (error, result) => {
        const data = result?.result ? result.output?.[0]?.data : undefined;
        if (error || !data) reject(error instanceof Error ? error : new Error(result?.reason ?? 'conversion failed'));
        else resolve(data as Record<string, unknown>);
      },
    );
  });
  const collection = {
    ...converted,
    info: { ...(converted.info as object), _postman_id: 'fixed', name: 'Redshift namespace registration gateway' },
    auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{apiKey}}', type: 'string' }] },
    variable: [{ key: 'baseUrl', value: 'http://127.0.0.1:8080' }],
    item: [
      ...(freshIdempotencyKeys(withContractTests(converted.item as ConvertedItem[], paths)) as unknown[]),
      {
        name: 'Scenarios (npm run local)',
        description: 'The answers of the error table against the bundled emulator, each with Postman tests.',
        item: scenarios.map(toItem),
      },
    ],
  };
  const environment = {
    id: 'fixed',
    name: 'npm run local',
    values: [
      { key: 'baseUrl', value: 'http://127.0.0.1:8080', type: 'default', enabled: true },
      { key: 'apiKey', value: LOCAL_API_KEY, type: 'secret', enabled: true },
    ],
    _postman_variable_scope: 'environment',
  };
  return {
    collection: `${JSON.stringify(stableIds(collection), null, 2)}\n`,
    environment: `${JSON.stringify(stableIds(environment, 'environment'), null, 2)}\n`,
  };
}

async function main(): Promise<void> {
  const { collection, environment } = await generate();
  if (process.argv.includes('--check')) {
    const stale = [
      [COLLECTION_PATH, collection],
      [ENVIRONMENT_PATH, environment],
    ].filter(([path, text]) => readFileSync(path!, 'utf8') !== text);
    if (stale.length > 0) {
      process.stderr.write(`stale: ${stale.map(([path]) => path).join(', ')}; run npm run postman:generate\n`);
      process.exit(1);
    }
    process.stdout.write('Postman collection and environment are up to date\n');
    return;
  }
  writeFileSync(COLLECTION_PATH, collection);
  writeFileSync(ENVIRONMENT_PATH, environment);
  process.stdout.write(`wrote ${COLLECTION_PATH} and ${ENVIRONMENT_PATH}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
