import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** What a valid SigV4 Authorization header says about its signer. */
export interface SignedBy {
  accessKeyId: string;
  region: string;
  service: string;
}

export type SignatureCheck =
  | { ok: true; signedBy: SignedBy }
  | { ok: false; reason: 'missing' | 'malformed' | 'unknown-key' | 'mismatch'; accessKeyId?: string; service?: string };

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

/**
 * Checks an AWS Signature Version 4 on a POST with a body, written from the specification
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html)
 * rather than with the SDK's signer, so that it checks the SDK instead of agreeing with it.
 */
export function checkSignature(
  request: { method: string; path: string; query: string; headers: IncomingHttpHeaders; body: string },
  secretFor: (accessKeyId: string) => string | undefined,
): SignatureCheck {
  const header = request.headers.authorization;
  if (header === undefined) return { ok: false, reason: 'missing' };
  const match = AUTHORIZATION.exec(header);
  const amzDate = request.headers['x-amz-date'];
  if (!match || typeof amzDate !== 'string') return { ok: false, reason: 'malformed' };
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match as unknown as string[];
  const secret = secretFor(accessKeyId!);
  if (secret === undefined) return { ok: false, reason: 'unknown-key', accessKeyId, service };

  const headerNames = signedHeaders!.split(';');
  const canonicalHeaders = headerNames
    .map(
      (name) =>
        `${name}:${String(request.headers[name] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const canonicalRequest = [
    request.method,
    request.path,
    canonicalQuery(request.query),
    canonicalHeaders,
    signedHeaders,
    sha256Hex(request.body),
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${secret}`, date!);
  for (const part of [region!, service!, 'aws4_request']) key = hmac(key, part);
  const expected = createHmac('sha256', key).update(stringToSign).digest();

  if (!timingSafeEqual(expected, Buffer.from(signature!, 'hex'))) {
    return { ok: false, reason: 'mismatch', accessKeyId, service };
  }
  return { ok: true, signedBy: { accessKeyId: accessKeyId!, region: region!, service: service! } };
}

function canonicalQuery(query: string): string {
  if (query === '') return '';
  return query
    .split('&')
    .map((pair) => pair.split('=').map((part) => encodeRfc3986(decodeURIComponent(part ?? ''))))
    .sort(([a = ''], [b = '']) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value = '']) => `${name}=${value}`)
    .join('&');
}

function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}
