import type { ErrorRequestHandler, RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { FieldError } from '../contract';
import type { Contract, SchemaObject } from './contract';
import {
  MethodNotAllowedError,
  PayloadTooLargeError,
  RequestValidationError,
  RouteNotFoundError,
  UnsupportedMediaTypeError,
} from './errors';

interface ValidatorErrorItem {
  path: string;
  message: string;
  errorCode?: string;
}

/**
 * Request validation against the contract's operations under `pathPrefix`; responses too when asked
 * (tests do). The other paths (probes, metrics, docs) are answered before it, and their methods are
 * checked from the contract by the app: handing the validator only the paths it validates spares it
 * compiling a route matcher for each of the others on every request.
 */
export function createValidator(
  contract: Contract,
  { validateResponses, pathPrefix }: { validateResponses: boolean; pathPrefix: string },
): RequestHandler[] {
  // The validator may annotate the document it is given; keep the contract's own copy clean.
  const document = structuredClone(contract.document) as { paths: Record<string, unknown> };
  document.paths = Object.fromEntries(Object.entries(document.paths).filter(([path]) => path.startsWith(pathPrefix)));
  return OpenApiValidator.middleware({
    apiSpec: document as unknown as Parameters<typeof OpenApiValidator.middleware>[0]['apiSpec'],
    validateRequests: { allErrors: true },
    validateResponses,
    // Callers are authenticated by the gateway's own middleware, before the body is even read.
    validateSecurity: false,
    // The contract takes JSON only: no multipart machinery on the request path.
    fileUploader: false,
  });
}

/**
 * Turns the errors of express.json and of the validator into the gateway's own, so that the problem
 * table sees one shape. Anything else passes through untouched.
 */
export function translateRequestErrors(contract: Contract): ErrorRequestHandler {
  return (error: unknown, req, _res, next) => {
    next(translate(error, contract, req.method, req.path, req.body));
  };
}

function translate(error: unknown, contract: Contract, method: string, path: string, body: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const cause = { cause: error };
  const parserType = (error as { type?: unknown }).type;
  if (parserType === 'entity.parse.failed') {
    return new RequestValidationError(
      'The request body is not valid JSON.',
      [{ pointer: '', detail: 'is not valid JSON' }],
      cause,
    );
  }
  if (parserType === 'entity.too.large') {
    const limit = (error as { limit?: unknown }).limit;
    return new PayloadTooLargeError(`The request body is larger than the limit of ${String(limit)} bytes.`, cause);
  }
  if (parserType === 'encoding.unsupported') {
    return new UnsupportedMediaTypeError(
      'Send the body uncompressed (no Content-Encoding, or identity).',
      { acceptEncoding: 'identity' },
      cause,
    );
  }
  if (parserType === 'charset.unsupported') {
    return new UnsupportedMediaTypeError('Send the body as application/json in UTF-8.', {}, cause);
  }
  if (error instanceof OpenApiValidator.error.NotFound) {
    return new RouteNotFoundError(`No route ${method} ${path}.`, cause);
  }
  if (error instanceof OpenApiValidator.error.MethodNotAllowed) {
    return new MethodNotAllowedError(`${path} does not accept ${method}.`, error.headers?.Allow ?? '', cause);
  }
  if (error instanceof OpenApiValidator.error.UnsupportedMediaType) {
    return new UnsupportedMediaTypeError('Send the body as application/json.', {}, cause);
  }
  if (error instanceof OpenApiValidator.error.BadRequest) {
    const bodySchema = contract.requestBodySchema(method, path);
    const items = error.errors as ValidatorErrorItem[];
    const fieldErrors = items
      .map((item) => toFieldError(item, { contract, method, path, bodySchema, body }))
      .filter((item): item is FieldError => item !== undefined);
    return new RequestValidationError('The request body does not match the contract.', fieldErrors, cause);
  }
  return error;
}

interface Context {
  contract: Contract;
  method: string;
  path: string;
  bodySchema: SchemaObject | undefined;
  body: unknown;
}

/** One validator error as a JSON pointer into the body and a sentence a person understands. */
function toFieldError(item: ValidatorErrorItem, context: Context): FieldError | undefined {
  const parameter = /^\/(headers|query)\/(.+)$/.exec(item.path);
  if (parameter) {
    const location = parameter[1] === 'headers' ? 'header' : 'query';
    const schema = context.contract.parameterSchema(context.method, context.path, location, parameter[2]!);
    // A query parameter can fail for other reasons than its pattern (unknown, reserved characters).
    const aboutPattern = location === 'header' || item.errorCode?.startsWith('pattern') === true;
    return { pointer: item.path, detail: (aboutPattern && schema?.['x-pattern-message']) || item.message };
  }
  if (!item.path.startsWith('/body')) return { pointer: item.path, detail: item.message };
  const pointer = item.path.slice('/body'.length);
  const segments = pointer === '' ? [] : pointer.slice(1).split('/').map(unescapePointer);
  const schema = context.bodySchema && context.contract.schemaAt(context.bodySchema, segments);
  const keyword = item.errorCode?.split('.')[0];

  switch (keyword) {
    case 'required':
      return { pointer, detail: 'is required' };
    case 'additionalProperties': {
      const parent = context.bodySchema && context.contract.schemaAt(context.bodySchema, segments.slice(0, -1));
      const known = Object.keys(parent?.properties ?? {});
      return { pointer, detail: `is not a known field${known.length > 0 ? `; expected ${listOf(known, 'and')}` : ''}` };
    }
    case 'minProperties':
    case 'maxProperties':
      if (schema?.['x-tagged-union']) return taggedUnionError(pointer, schema, valueAt(context.body, segments));
      break;
    case 'type':
      return {
        pointer,
        detail: item.message.replace(/^must be (\w+)$/, (_m, type: string) => `must be ${article(type)} ${type}`),
      };
    case 'minLength':
      if (schema?.minLength === 1) return { pointer, detail: 'must not be empty' };
      return { pointer, detail: `must be at least ${schema?.minLength} characters long` };
    case 'maxLength':
      return { pointer, detail: `must be at most ${schema?.maxLength} characters long` };
    case 'minItems':
    case 'maxItems':
      if (schema?.minItems === schema?.maxItems) {
        return {
          pointer,
          detail: `must hold exactly ${schema?.minItems === 1 ? 'one item' : `${schema?.minItems} items`}`,
        };
      }
      break;
    case 'pattern':
      if (schema?.['x-pattern-message']) return { pointer, detail: schema['x-pattern-message'] };
      break;
  }
  return { pointer, detail: item.message };
}

/**
 * A tagged union (one object whose members are all optional, with exactly one allowed) names its
 * members in the message. When an unknown key made the count wrong, the additionalProperties error
 * already says so, and this one is dropped.
 */
function taggedUnionError(pointer: string, schema: SchemaObject, value: unknown): FieldError | undefined {
  const members = Object.keys(schema.properties ?? {});
  const present =
    value !== null && typeof value === 'object' ? Object.keys(value).filter((key) => members.includes(key)) : [];
  const expected = `must set exactly one of ${listOf(members, 'or')}`;
  if (present.length === 0) return { pointer, detail: `${expected}; it sets neither` };
  if (present.length === 1) return undefined;
  return { pointer, detail: `${expected}, not ${present.length === 2 ? 'both' : 'several'}` };
}

function valueAt(body: unknown, segments: readonly string[]): unknown {
  let node = body;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

function listOf(words: readonly string[], conjunction: 'and' | 'or'): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${conjunction} ${words.at(-1)}`;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

function unescapePointer(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}
