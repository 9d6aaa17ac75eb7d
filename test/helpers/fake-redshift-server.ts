import { once } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  authorization: string | undefined;
  securityToken: string | undefined;
  params: URLSearchParams;
}

type Answer = (call: RecordedCall, res: ServerResponse) => void;

const NS = 'http://redshift.amazonaws.com/doc/2012-12-01/';

/** A Query-protocol success answer for RegisterNamespace. */
export const registering: Answer = (_call, res) => {
  res
    .writeHead(200, { 'Content-Type': 'text/xml', 'x-amzn-RequestId': 'aws-ok-1' })
    .end(
      `<RegisterNamespaceResponse xmlns="${NS}"><RegisterNamespaceResult><Status>Registering</Status></RegisterNamespaceResult>` +
        `<ResponseMetadata><RequestId>aws-ok-1</RequestId></ResponseMetadata></RegisterNamespaceResponse>`,
    );
};

/** A Query-protocol ErrorResponse with the given wire code and status. */
export function fault(code: string, status: number): Answer {
  return (_call, res) => {
    res
      .writeHead(status, { 'Content-Type': 'text/xml', 'x-amzn-RequestId': 'aws-fault-1' })
      .end(
        `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${code} here</Message></Error>` +
          `<RequestId>aws-fault-1</RequestId></ErrorResponse>`,
      );
  };
}

/**
 * A minimal stand-in for the Redshift endpoint on loopback, so that tests go through the SDK's real
 * serialisation, signing, HTTP handler, retries and XML parsing. It records every call.
 */
export async function startFakeRedshift(answer: Answer = registering) {
  const calls: RecordedCall[] = [];
  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const call = {
        authorization: req.headers.authorization,
        securityToken: req.headers['x-amz-security-token'] as string | undefined,
        params: new URLSearchParams(body),
      };
      calls.push(call);
      current(call, res);
    });
  });
  let current = answer;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    answerWith(next: Answer) {
      current = next;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
