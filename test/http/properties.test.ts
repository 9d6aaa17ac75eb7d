import { RedshiftClient, RegisterNamespaceCommand } from '@aws-sdk/client-redshift';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import request from 'supertest';
import { buildTestApp } from '../helpers/app';
import { provisionedBody } from '../helpers/bodies';
import { TEST_API_KEY, testConfig } from '../helpers/config';

// An oracle written from DESIGN.md's rules, apart from the contract, so that the two check each other.
const CLUSTER = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const SERVERLESS = /^[a-z0-9-]+$/;
const CONSUMER = /^DataCatalog\/[0-9]{12}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function hasExactly(value: Record<string, unknown>, keys: string[]): boolean {
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((key) => own.includes(key));
}
const text = (value: unknown, pattern: RegExp, min: number, max: number) =>
  typeof value === 'string' && value.length >= min && value.length <= max && pattern.test(value);

function isValid(body: unknown): boolean {
  if (!isObject(body) || !hasExactly(body, ['NamespaceIdentifier', 'ConsumerIdentifiers'])) return false;
  const { NamespaceIdentifier: id, ConsumerIdentifiers: consumers } = body;
  if (!Array.isArray(consumers) || consumers.length !== 1 || !text(consumers[0], CONSUMER, 1, 100)) return false;
  if (!isObject(id)) return false;
  if (hasExactly(id, ['ProvisionedIdentifier'])) {
    const member = id.ProvisionedIdentifier;
    return (
      isObject(member) && hasExactly(member, ['ClusterIdentifier']) && text(member.ClusterIdentifier, CLUSTER, 1, 63)
    );
  }
  if (hasExactly(id, ['ServerlessIdentifier'])) {
    const member = id.ServerlessIdentifier;
    return (
      isObject(member) &&
      hasExactly(member, ['NamespaceIdentifier', 'WorkgroupIdentifier']) &&
      text(member.NamespaceIdentifier, SERVERLESS, 3, 64) &&
      text(member.WorkgroupIdentifier, SERVERLESS, 3, 64)
    );
  }
  return false;
}

const clusterId = fc.stringMatching(/^[a-z][a-z0-9]{0,20}(-[a-z0-9]{1,8}){0,4}$/);
const serverlessName = fc.stringMatching(/^[a-z0-9-]{3,40}$/);
const consumer = fc.stringMatching(/^[0-9]{12}$/).map((digits) => `DataCatalog/${digits}`);
const validBody = fc.oneof(
  fc.record({
    NamespaceIdentifier: fc.record({ ProvisionedIdentifier: fc.record({ ClusterIdentifier: clusterId }) }),
    ConsumerIdentifiers: fc.tuple(consumer),
  }),
  fc.record({
    NamespaceIdentifier: fc.record({
      ServerlessIdentifier: fc.record({ NamespaceIdentifier: serverlessName, WorkgroupIdentifier: serverlessName }),
    }),
    ConsumerIdentifiers: fc.tuple(consumer),
  }),
);
const oddValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom(
    '',
    ' ',
    'A',
    'a--b',
    'a-',
    '-a',
    'x'.repeat(64),
    'x'.repeat(65),
    'DataCatalog/12345678901',
    '__proto__',
  ),
);

/** Every path to a value inside a body, objects and arrays alike. */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return [prefix, ...Object.entries(value).flatMap(([key, child]) => paths(child, [...prefix, key]))];
}
function valueAt(value: unknown, path: string[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], value);
}
function setAt(value: unknown, path: string[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as never) : { ...(value as object) };
  const [head, ...rest] = path as [string, ...string[]];
  copy[head] = setAt(copy[head], rest, replacement);
  return copy;
}
const mutatedBody = validBody.chain((body) =>
  fc.oneof(
    // a value somewhere replaced by something odd
    fc.tuple(fc.constantFrom(...paths(body)), oddValue).map(([path, odd]) => setAt(body, path, odd)),
    // an extra key in an object (an array's only keys are its indexes: setting `length` would throw)
    fc
      .tuple(
        fc.constantFrom(...paths(body).filter((p) => p.length < 3 && isObject(valueAt(body, p)))),
        fc.string({ minLength: 1, maxLength: 12 }),
        oddValue,
      )
      .map(([path, key, odd]) => setAt(body, [...path, key], odd)),
    // a member removed
    fc.constantFrom(...paths(body).filter((p) => p.length > 0)).map((path) => setAt(body, path, undefined)),
  ),
);

describe('generated bodies', () => {
  const redshift = mockClient(RedshiftClient);
  redshift.on(RegisterNamespaceCommand).resolves({ Status: 'Registering' });
  const { app } = buildTestApp({ config: testConfig({ RATE_LIMIT_PER_MINUTE: '100000' }) });
  const counts = { valid: 0, invalid: 0 };

  it('valid ones reach Redshift with exactly the fields sent; invalid ones get 400 and never reach it; none gets a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(validBody, mutatedBody, mutatedBody), async (body) => {
        redshift.resetHistory();
        const sent = JSON.parse(JSON.stringify(body ?? null)) as unknown;

        const res = await request(app)
          .post('/namespaces/registrations')
          .set('X-API-Key', TEST_API_KEY)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify(sent));

        expect(res.status).toBeLessThan(500);
        if (isValid(sent)) {
          counts.valid += 1;
          expect(res.status).toBe(202);
          expect(redshift.commandCalls(RegisterNamespaceCommand).map((call) => call.args[0].input)).toEqual([sent]);
        } else {
          counts.invalid += 1;
          expect(res.status).toBe(400);
          expect(res.body.type).toBe('/problems/validation-failed');
          expect(res.body.errors.length).toBeGreaterThan(0);
          expect(redshift.calls()).toHaveLength(0);
        }
      }),
      { numRuns: 2000 },
    );

    // Both kinds were really exercised, and the gateway still works afterwards.
    expect(counts.valid).toBeGreaterThan(300);
    expect(counts.invalid).toBeGreaterThan(300);
    const after = await request(app)
      .post('/namespaces/registrations')
      .set('X-API-Key', TEST_API_KEY)
      .send(provisionedBody());
    expect(after.status).toBe(202);
  }, 120_000);
});
