import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** A JSON Schema object of the contract, as far as the gateway reads it. */
export interface SchemaObject {
  readonly $ref?: string;
  readonly type?: string;
  readonly properties?: Readonly<Record<string, SchemaObject>>;
  readonly items?: SchemaObject;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly 'x-tagged-union'?: boolean;
  readonly 'x-pattern-message'?: string;
}

export interface Contract {
  /** The parsed OpenAPI document. Treat as read-only. */
  readonly document: Readonly<Record<string, unknown>>;
  /** The schema of the JSON body of `method path`, with `$ref`s followed. */
  requestBodySchema(method: string, path: string): SchemaObject | undefined;
  /** The schema of the header or query parameter `name` of `method path`, with `$ref`s followed. */
  parameterSchema(method: string, path: string, location: 'header' | 'query', name: string): SchemaObject | undefined;
  /** The schema that applies at `pointer` (RFC 6901 segments) inside `root`, with `$ref`s followed. */
  schemaAt(root: SchemaObject, segments: readonly string[]): SchemaObject | undefined;
  /** The paths whose operations take a JSON body: the only ones whose bodies are read. */
  readonly bodyPaths: readonly string[];
  /** The methods `path` has, upper case; undefined for a path the contract does not have. */
  methodsOf(path: string): readonly string[] | undefined;
}

const CONTRACT_PATH = `${__dirname}/../../openapi/gateway.yaml`;

/** Reads the OpenAPI contract, the single source of validation, docs and types. */
export function loadContract(path: string = CONTRACT_PATH): Contract {
  const document = parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

  const resolve = (schema: SchemaObject | undefined): SchemaObject | undefined => {
    let current = schema;
    for (let depth = 0; current?.$ref !== undefined && depth < 32; depth += 1) {
      current = atPointer(document, current.$ref) as SchemaObject | undefined;
    }
    return current;
  };

  const paths = (document.paths ?? {}) as Record<string, Record<string, { requestBody?: unknown }>>;
  const methods = new Map(
    Object.entries(paths).map(([path, item]) => [
      path,
      Object.keys(item)
        .filter((key) => HTTP_METHODS.has(key))
        .map((key) => key.toUpperCase()),
    ]),
  );

  return {
    document,
    bodyPaths: Object.entries(paths)
      .filter(([, item]) => Object.values(item).some((operation) => operation?.requestBody !== undefined))
      .map(([path]) => path),
    methodsOf: (path) => methods.get(path),
    requestBodySchema(method, path) {
      type RequestBody = { $ref?: string; content?: Record<string, { schema?: SchemaObject }> };
      const operation = atPointer(document, `#/paths/${escape(path)}/${method.toLowerCase()}`) as
        { requestBody?: RequestBody } | undefined;
      // The request body may itself be a reference (components/requestBodies).
      const body = operation?.requestBody?.$ref
        ? (atPointer(document, operation.requestBody.$ref) as RequestBody | undefined)
        : operation?.requestBody;
      return resolve(body?.content?.['application/json']?.schema);
    },
    parameterSchema(method, path, location, name) {
      const parameters = atPointer(document, `#/paths/${escape(path)}/${method.toLowerCase()}/parameters`);
      if (!Array.isArray(parameters)) return undefined;
      for (const entry of parameters as SchemaObject[]) {
        const parameter = (entry.$ref ? atPointer(document, entry.$ref) : entry) as
          { in?: string; name?: string; schema?: SchemaObject } | undefined;
        const sameName =
          location === 'header' ? parameter?.name?.toLowerCase() === name.toLowerCase() : parameter?.name === name;
        if (parameter?.in === location && sameName) {
          return resolve(parameter.schema);
        }
      }
      return undefined;
    },
    schemaAt(root, segments) {
      let schema = resolve(root);
      for (const segment of segments) {
        if (schema === undefined) return undefined;
        schema = resolve(/^\d+$/.test(segment) && schema.items ? schema.items : schema.properties?.[segment]);
      }
      return schema;
    },
  };
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

function escape(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

function atPointer(document: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = document;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
