import { Sha256 as SdkSha256 } from '@smithy/core/checksum';
import type { Checksum, SourceData } from '@smithy/types';
import { createAwsClients } from '../../../src/aws/clients';
import { Sha256 } from '../../../src/aws/sha256';
import { testConfig } from '../../helpers/config';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/**
 * The digest after each of `chunks`: a plain hash goes on (the SDK digests payloads as it goes), an
 * HMAC is reset between messages (a digest finishes it).
 */
async function digests(checksum: Checksum, chunks: SourceData[], hmac: boolean): Promise<string[]> {
  const out: string[] = [];
  for (const chunk of chunks) {
    if (hmac && out.length > 0) checksum.reset();
    checksum.update(chunk as Uint8Array);
    out.push(hex(await checksum.digest()));
  }
  return out;
}

describe('Sha256 (the signer hash given to the SDK clients)', () => {
  it('gives the RFC 4231 HMAC-SHA256 test vectors, with a string key and a binary one', async () => {
    const vector = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
    for (const key of [
      'Jefe',
      Buffer.from('Jefe'),
      new TextEncoder().encode('Jefe'),
      new TextEncoder().encode('Jefe').buffer,
    ]) {
      const hmac = new Sha256(key);
      hmac.update(Buffer.from('what do ya want for nothing?'));
      expect(hex(await hmac.digest())).toBe(vector);
    }
  });

  it('gives the SHA-256 of the empty string without a secret, and with an empty-string one, as the SDK does', async () => {
    const empty = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    expect(hex(await new Sha256().digest())).toBe(empty);
    expect(hex(await new Sha256('').digest())).toBe(empty);
  });

  it.each<[string, SourceData | undefined, SourceData[]]>([
    ['a plain hash, digested as it goes', undefined, ['Action=RegisterNamespace', new Uint8Array([0, 255, 10]), '']],
    ['an HMAC with a string key', 'AWS4wJalrXUtnFEMI/K7MDENG', ['20261126']],
    ['an HMAC with a Uint8Array key, reset between messages', new Uint8Array(32).fill(7), ['us-east-1', 'redshift']],
    [
      'an HMAC with a view into a larger buffer',
      new Uint8Array(Buffer.from('xxsecretxx')).subarray(2, 8),
      ['aws4_request'],
    ],
    ['an HMAC with an empty binary key', new Uint8Array(0), ['message']],
  ])("digests %s exactly as the SDK's own implementation does", async (_case, secret, chunks) => {
    const hmac = Boolean(secret);
    expect(await digests(new Sha256(secret), chunks, hmac)).toEqual(await digests(new SdkSha256(secret), chunks, hmac));
  });

  it('is what the Redshift and Redshift Serverless clients sign with (STS shares their configuration)', () => {
    const config = testConfig();
    const clients = createAwsClients(config.aws.targets[0]!, config.aws, config.upstream);
    try {
      expect([clients.redshift.config.sha256, clients.serverless.config.sha256]).toEqual([Sha256, Sha256]);
    } finally {
      clients.destroy();
    }
  });

  it('refuses an update after an HMAC digest, as the SDK does, and starts afresh after reset', async () => {
    const hmac = new Sha256('key');
    hmac.update(Buffer.from('a'));
    const first = hex(await hmac.digest());
    expect(() => hmac.update(Buffer.from('b'))).toThrow('Attempted to update an already finished hash.');
    hmac.reset();
    hmac.update(Buffer.from('a'));
    expect(hex(await hmac.digest())).toBe(first);
  });
});
