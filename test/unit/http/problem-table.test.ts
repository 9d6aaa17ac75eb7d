import request from 'supertest';
import { loadContract } from '../../../src/http/contract';
import { problemSpecs } from '../../../src/http/problem';
import { PROBLEM_EXPLANATIONS } from '../../../src/http/problem-pages';
import { buildTestApp } from '../../helpers/app';

// src/http/problem.ts holds the one table from error to problem; the contract is checked against it
// here, and docs/api.md's error table is generated from it (test/unit/docs-fresh.test.ts).

const specs = problemSpecs();
const document = loadContract().document as {
  paths: Record<string, Record<string, { responses: Record<string, { $ref?: string }> }>>;
  components: { responses: Record<string, { description: string }> };
};

// Problems that are not answers of an operation: they are about the route itself.
const ROUTE_PROBLEMS = new Set(['not-found', 'method-not-allowed']);

describe('the contract documents every problem of the table', () => {
  const operations = [
    ['POST', '/namespaces/registrations'],
    ['POST', '/namespaces/deregistrations'],
  ] as const;

  it.each(
    operations.flatMap(([method, path]) =>
      specs
        .filter((spec) => !ROUTE_PROBLEMS.has(spec.slug))
        .map((spec) => [method, path, spec.status, spec.slug] as const),
    ),
  )('%s %s lists %i with `%s` in its description', (method, path, status, slug) => {
    const response = document.paths[path]?.[method.toLowerCase()]?.responses[String(status)];
    const name = response?.$ref?.replace('#/components/responses/', '');
    const description = name === undefined ? undefined : document.components.responses[name]?.description;

    expect(description).toContain(`\`${slug}\``);
  });

  it('the two changes share one request body and one set of responses, so that they cannot drift apart', () => {
    const [register, deregister] = operations.map(([, path]) => document.paths[path]?.post) as unknown as [
      Record<string, unknown>,
      Record<string, unknown>,
    ];

    expect(register.requestBody).toEqual({ $ref: '#/components/requestBodies/NamespaceChange' });
    expect(deregister.requestBody).toEqual(register.requestBody);
    expect(deregister.responses).toEqual(register.responses);
  });

  it('every slug that a response description names is one the gateway answers', () => {
    const known = new Set(specs.map((spec) => spec.slug));
    const named = Object.values(document.components.responses).flatMap((response) =>
      [...response.description.matchAll(/`([a-z]+(?:-[a-z]+)+)`:/g)].map((match) => match[1]),
    );

    expect(named.filter((slug) => !known.has(slug!))).toEqual([]);
  });
});

describe('every problem type resolves', () => {
  it.each(specs.map((spec) => [spec.slug, spec] as const))(
    '/problems/%s answers a page that says what to do',
    async (slug, spec) => {
      const res = await request(buildTestApp().app).get(`/problems/${slug}`);

      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain(`<h1>${spec.title} (${spec.status})</h1>`);
      expect(res.text).toContain('What to do:');
      expect(PROBLEM_EXPLANATIONS[slug]).toBeDefined();
    },
  );

  it('explains no slug the gateway does not answer', () => {
    expect(Object.keys(PROBLEM_EXPLANATIONS).sort()).toEqual(specs.map((spec) => spec.slug).sort());
  });

  it('an unknown slug is the not-found problem', async () => {
    const res = await request(buildTestApp().app).get('/problems/no-such-slug');

    expect(res.status).toBe(404);
    expect(res.body.type).toBe('/problems/not-found');
  });
});
