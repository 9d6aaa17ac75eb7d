import { context, propagation, trace } from '@opentelemetry/api';
import { DescribeClustersCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { Readable } from 'node:stream';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpRequest } from '@smithy/types';
import { awsSpans } from '../../../src/tracing/aws-spans';

// The AWS spans' middleware on a real client, its HTTP exchanges answered by a handler of the test's.

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
beforeAll(() => provider.register());
afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});
beforeEach(() => exporter.reset());

const REQUEST_ID = '11111111-2222-3333-4444-555555555555';
const CLUSTERS_XML =
  '<DescribeClustersResponse xmlns="http://redshift.amazonaws.com/doc/2012-12-01/"><DescribeClustersResult><Clusters/></DescribeClustersResult>' +
  `<ResponseMetadata><RequestId>${REQUEST_ID}</RequestId></ResponseMetadata></DescribeClustersResponse>`;

/** A client whose attempts get `answers` in turn: a response, or an error thrown as the socket would. */
function clientAnswering(answers: ({ statusCode: number; body: string } | Error)[], seen: HttpRequest[] = []) {
  const requestHandler = {
    handle: (request: HttpRequest) => {
      seen.push(request);
      const answer = answers.shift() ?? new Error('no more answers');
      if (answer instanceof Error) return Promise.reject(answer);
      return Promise.resolve({
        response: {
          statusCode: answer.statusCode,
          headers: { 'content-type': 'text/xml', 'x-amzn-requestid': REQUEST_ID },
          body: Readable.from([Buffer.from(answer.body)]),
        },
      });
    },
  } as unknown as NodeHttpHandler;
  const client = new RedshiftClient({
    region: 'eu-west-1',
    endpoint: 'https://redshift.test:8443',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    maxAttempts: 2,
    requestHandler,
  });
  client.middlewareStack.use(
    awsSpans(client.config.serviceId, { name: 'eu', accountId: '444455556666', region: 'eu-west-1' }),
  );
  return client;
}

const finished = () => exporter.getFinishedSpans();

describe('awsSpans', () => {
  it('one span per command with rpc.* and the request id, one per attempt with its status, and traceparent sent', async () => {
    const seen: HttpRequest[] = [];
    const client = clientAnswering([{ statusCode: 200, body: CLUSTERS_XML }], seen);
    await client.send(new DescribeClustersCommand({}));

    const [attempt, command] = finished();
    expect(command).toMatchObject({
      name: 'Redshift.DescribeClusters',
      kind: 2, // the API's SpanKind.CLIENT
      attributes: {
        'rpc.system': 'aws-api',
        'rpc.service': 'Redshift',
        'rpc.method': 'DescribeClusters',
        'cloud.region': 'eu-west-1',
        'cloud.account.id': '444455556666',
        'gateway.target': 'eu',
        'aws.request_id': REQUEST_ID,
        'http.response.status_code': 200,
      },
    });
    expect(attempt).toMatchObject({
      name: 'POST',
      attributes: {
        'http.request.method': 'POST',
        'server.address': 'redshift.test',
        'server.port': 8443,
        'url.full': 'https://redshift.test:8443/',
        'http.response.status_code': 200,
      },
    });
    expect(attempt!.parentSpanContext?.spanId).toBe(command!.spanContext().spanId);
    const { traceId, spanId } = attempt!.spanContext();
    expect(seen[0]!.headers.traceparent).toBe(`00-${traceId}-${spanId}-01`);
  });

  it('an attempt the network failed has the error’s name, and the retry its own span; a call that fails has the error status', async () => {
    const reset = Object.assign(new Error('socket hang up'), { name: 'ECONNRESET', code: 'ECONNRESET' });
    const client = clientAnswering([reset, reset]);
    await expect(client.send(new DescribeClustersCommand({}))).rejects.toThrow('socket hang up');

    const spans = finished();
    const attempts = spans.filter((span) => span.name === 'POST');
    expect(attempts.map((span) => [span.status.code, span.attributes['error.type']])).toEqual([
      [2, 'ECONNRESET'],
      [2, 'ECONNRESET'],
    ]);
    expect(spans.find((span) => span.name === 'Redshift.DescribeClusters')).toMatchObject({
      status: { code: 2, message: 'socket hang up' },
      attributes: { 'error.type': 'ECONNRESET' },
    });
  });
});
