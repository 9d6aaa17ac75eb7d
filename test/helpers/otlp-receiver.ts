import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';

// A stand-in OpenTelemetry collector on loopback: it takes OTLP/HTTP trace exports (JSON or protobuf,
// as the exporter sends them) and keeps the spans, flattened, for the tests to read.

export type AttributeValue = string | number | boolean | AttributeValue[];

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  /** W3C tracestate, as the span carries it ('' for none). */
  traceState: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, AttributeValue>;
  /** OTLP's status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  /** The resource's attributes (service.name, ...). */
  resource: Record<string, AttributeValue>;
}

export interface OtlpReceiver {
  /** The base URL, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly url: string;
  /** Every export request received: its path and content type. */
  readonly requests: { path: string; contentType: string }[];
  spans(): ReceivedSpan[];
  /** Resolves once `predicate` holds for the spans received, or fails after `ms`. */
  waitFor(predicate: (spans: ReceivedSpan[]) => boolean, ms?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const requests: { path: string; contentType: string }[] = [];
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const contentType = req.headers['content-type'] ?? '';
      requests.push({ path: req.url ?? '', contentType });
      spans.push(...(contentType.includes('json') ? fromJson(JSON.parse(body.toString())) : fromProtobuf(body)));
      res.writeHead(200, { 'Content-Type': contentType }).end(contentType.includes('json') ? '{}' : '');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    spans: () => [...spans],
    async waitFor(predicate, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (!predicate(spans)) {
        if (Date.now() > deadline) throw new Error(`spans received: ${JSON.stringify(spans.map((s) => s.name))}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return [...spans];
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// --- OTLP/JSON ---

interface JsonAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: JsonAnyValue[] };
}
interface JsonKeyValue {
  key: string;
  value: JsonAnyValue;
}
interface JsonExport {
  resourceSpans: {
    resource?: { attributes?: JsonKeyValue[] };
    scopeSpans: {
      spans: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        traceState?: string;
        name: string;
        kind: number;
        attributes?: JsonKeyValue[];
        status?: { code?: number };
      }[];
    }[];
  }[];
}

function jsonValue(value: JsonAnyValue): AttributeValue {
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(jsonValue);
  if (value.intValue !== undefined) return Number(value.intValue);
  const scalar = value.stringValue ?? value.boolValue ?? value.doubleValue;
  if (scalar === undefined)
    throw new Error(`an attribute value of a kind the receiver does not read: ${JSON.stringify(value)}`);
  return scalar;
}

function jsonAttributes(list: JsonKeyValue[] = []): Record<string, AttributeValue> {
  return Object.fromEntries(list.map(({ key, value }) => [key, jsonValue(value)]));
}

function fromJson(body: JsonExport): ReceivedSpan[] {
  return body.resourceSpans.flatMap(({ resource, scopeSpans }) =>
    scopeSpans.flatMap(({ spans }) =>
      spans.map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId ?? '',
        traceState: span.traceState ?? '',
        name: span.name,
        kind: span.kind,
        attributes: jsonAttributes(span.attributes),
        statusCode: span.status?.code ?? 0,
        resource: jsonAttributes(resource?.attributes),
      })),
    ),
  );
}

// --- OTLP/protobuf: just enough of the wire format to read opentelemetry/proto/trace/v1 ---

type Field = { number: number; varint?: bigint; bytes?: Buffer };

/** The fields of one protobuf message, in order. */
function fields(buffer: Buffer): Field[] {
  const out: Field[] = [];
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = buffer[offset++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (offset < buffer.length) {
    const tag = Number(varint());
    const number = tag >>> 3;
    switch (tag & 7) {
      case 0:
        out.push({ number, varint: varint() });
        break;
      case 1:
        out.push({ number, bytes: buffer.subarray(offset, offset + 8) });
        offset += 8;
        break;
      case 2: {
        const length = Number(varint());
        out.push({ number, bytes: buffer.subarray(offset, offset + length) });
        offset += length;
        break;
      }
      case 5:
        out.push({ number, bytes: buffer.subarray(offset, offset + 4) });
        offset += 4;
        break;
      default:
        throw new Error(`unexpected protobuf wire type ${tag & 7}`);
    }
  }
  return out;
}

const all = (message: Field[], number: number) => message.filter((field) => field.number === number);
const one = (message: Field[], number: number) => all(message, number)[0];

/** AnyValue: 1 string, 2 bool, 3 int, 4 double, 5 ArrayValue{1 AnyValue}. */
function protobufValue(anyValue: Buffer): AttributeValue {
  const [value] = fields(anyValue);
  switch (value?.number) {
    case 1:
      return value.bytes!.toString();
    case 2:
      return value.varint === 1n;
    case 3:
      return Number(value.varint);
    case 4:
      return value.bytes!.readDoubleLE(0);
    case 5:
      return all(fields(value.bytes!), 1).map((item) => protobufValue(item.bytes!));
    default:
      throw new Error(`an attribute value of a kind the receiver does not read: field ${value?.number}`);
  }
}

function protobufAttributes(message: Field[], number: number): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  for (const { bytes } of all(message, number)) {
    const keyValue = fields(bytes!);
    attributes[one(keyValue, 1)!.bytes!.toString()] = protobufValue(one(keyValue, 2)?.bytes ?? Buffer.alloc(0));
  }
  return attributes;
}

function fromProtobuf(body: Buffer): ReceivedSpan[] {
  // ExportTraceServiceRequest{1 ResourceSpans}, ResourceSpans{1 Resource, 2 ScopeSpans}, Resource{1
  // attributes}, ScopeSpans{2 Span}, Span{1 trace_id, 2 span_id, 3 trace_state, 4 parent_span_id, 5 name, 6 kind,
  // 9 attributes, 15 Status{3 code}}.
  return all(fields(body), 1).flatMap(({ bytes }) => {
    const resourceSpans = fields(bytes!);
    const resource = protobufAttributes(fields(one(resourceSpans, 1)?.bytes ?? Buffer.alloc(0)), 1);
    return all(resourceSpans, 2).flatMap((scopeSpans) =>
      all(fields(scopeSpans.bytes!), 2).map(({ bytes: spanBytes }) => {
        const span = fields(spanBytes!);
        const status = fields(one(span, 15)?.bytes ?? Buffer.alloc(0));
        return {
          traceId: one(span, 1)!.bytes!.toString('hex'),
          spanId: one(span, 2)!.bytes!.toString('hex'),
          parentSpanId: one(span, 4)?.bytes?.toString('hex') ?? '',
          traceState: one(span, 3)?.bytes?.toString() ?? '',
          name: one(span, 5)!.bytes!.toString(),
          kind: Number(one(span, 6)?.varint ?? 0n),
          attributes: protobufAttributes(span, 9),
          statusCode: Number(one(status, 3)?.varint ?? 0n),
          resource,
        };
      }),
    );
  });
}
