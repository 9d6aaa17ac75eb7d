import request, { type Response } from 'supertest';
import { provisionedBody } from './bodies';
import { TEST_API_KEY } from './config';

/** An app (supertest starts it) or the URL of a running gateway. */
type Target = Parameters<typeof request>[0];

/** `POST /namespaces/registrations` as the test caller, with a body that passes the contract unless given one. */
export const register = (target: Target, body: object = provisionedBody(), apiKey: string = TEST_API_KEY) =>
  request(target).post('/namespaces/registrations').set('X-API-Key', apiKey).send(body);

/** `POST /namespaces/deregistrations`, likewise. */
export const deregister = (target: Target, body: object = provisionedBody(), apiKey: string = TEST_API_KEY) =>
  request(target).post('/namespaces/deregistrations').set('X-API-Key', apiKey).send(body);

/** The answer is an RFC 9457 problem of this status and type, naming the request it answers. */
export function expectProblem(res: Response, status: number, slug: string): void {
  expect({ status: res.status, type: (res.body as { type?: string }).type }).toEqual({
    status,
    type: `/problems/${slug}`,
  });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect((res.body as { requestId?: string }).requestId).toBe(res.headers['x-request-id']);
}
