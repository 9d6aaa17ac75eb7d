import { once } from 'node:events';
import type { Server } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { RedshiftClient, RegisterNamespaceCommand } from '@aws-sdk/client-redshift';
import { mockClient } from 'aws-sdk-client-mock';
import { createHttpServer } from '../../src/http/server';
import { buildTestApp } from '../helpers/app';
import { provisionedBody } from '../helpers/bodies';
import { TEST_API_KEY, testConfig } from '../helpers/config';

// The HTTP server's own limits, seen from a raw socket as a slow or careless client sends bytes.

const redshift = mockClient(RedshiftClient);
let server: Server;
let port: number;

beforeAll(async () => {
  redshift.on(RegisterNamespaceCommand).resolves({ Status: 'Registering' });
  const config = testConfig({ HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2000' });
  server = createHttpServer(buildTestApp({ config }).app, config.server).listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

/** A raw connection that collects what the server sends and notes when it closes. */
async function connect() {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  let closedAt: number | undefined;
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  socket.on('close', () => (closedAt = Date.now()));
  return {
    socket,
    received: () => received,
    closedAt: () => closedAt,
    /** Writes `text` a piece at a time until the socket closes or `ms` pass. */
    async trickle(text: string, everyMs: number, ms: number) {
      const until = Date.now() + ms;
      for (let i = 0; i < text.length && closedAt === undefined && Date.now() < until; i += 1) {
        socket.write(text[i]!);
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
    },
    async waitClosed(ms: number) {
      const until = Date.now() + ms;
      while (closedAt === undefined && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
      return closedAt;
    },
  };
}

const body = JSON.stringify(provisionedBody());

describe('the HTTP server against slow and careless clients', () => {
  it('closes a connection whose headers trickle in past HTTP_HEADERS_TIMEOUT_MS', async () => {
    const client = await connect();
    const started = Date.now();

    await client.trickle(`POST /namespaces/registrations HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(200)}`, 50, 5_000);

    expect(await client.waitClosed(3_000)).toBeDefined();
    expect(client.closedAt()! - started).toBeLessThan(3_500);
  });

  it('closes a connection whose body trickles in past HTTP_REQUEST_TIMEOUT_MS', async () => {
    const client = await connect();
    const started = Date.now();
    client.socket.write(
      `POST /namespaces/registrations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_API_KEY}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );

    await client.trickle(body, 100, 6_000);

    expect(await client.waitClosed(3_000)).toBeDefined();
    expect(client.closedAt()! - started).toBeLessThan(4_500);
  });

  it('answers 401 to a large body without a credential and closes the connection instead of reading it all', async () => {
    const client = await connect();
    client.socket.write(
      'POST /namespaces/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${200 * 1024 * 1024}\r\n\r\n`,
    );
    client.socket.write(Buffer.alloc(64 * 1024, 0x20));

    expect(await client.waitClosed(2_000)).toBeDefined();
    expect(client.received()).toMatch(/^HTTP\/1\.1 401 /);
    expect(client.received()).toMatch(/\r\nConnection: close\r\n/i);
  });

  it('sends 100 Continue only to an authenticated caller', async () => {
    const stranger = await connect();
    stranger.socket.write(
      'POST /namespaces/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        `Expect: 100-continue\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    const known = await connect();
    known.socket.write(
      `POST /namespaces/registrations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_API_KEY}\r\n` +
        `Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    for (let i = 0; i < 100 && !(stranger.received() && known.received()); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    known.socket.end(body);
    for (let i = 0; i < 100 && !/202 Accepted/.test(known.received()); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    expect(stranger.received()).toMatch(/^HTTP\/1\.1 401 /);
    expect(stranger.received()).not.toContain('100 Continue');
    expect(known.received()).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 202 Accepted/);
    stranger.socket.destroy();
  });
});
