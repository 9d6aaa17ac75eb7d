import { createHash, createHmac, createSecretKey, type Hash, type Hmac, type KeyObject } from 'node:crypto';
import type { Checksum, SourceData } from '@smithy/types';

/**
 * SHA-256 and HMAC-SHA256 for the SDK clients' request signing (their `sha256` option): the SDK's own
 * node:crypto implementation, except for how a binary HMAC key reaches `createHmac`.
 *
 * On Node.js 24.21, `createHmac` tells a KeyObject from other keys by reading a private slot inside a
 * try/catch, so every Buffer or Uint8Array key costs a thrown and discarded TypeError: ~9 µs per HMAC
 * against ~1.7 µs for a KeyObject or a string (Node.js 20: ~1.7 µs for all three), more under a deep
 * async stack. SigV4 signs every request with a binary key (the derived signing key). Such keys become
 * a KeyObject here, made per HMAC (~1 µs): no cache, so no question of a key's bytes changing under it.
 */
export class Sha256 implements Checksum {
  readonly digestLength = 32;
  // As the SDK's: an empty-string secret means a plain hash, any other secret an HMAC.
  private readonly isHmac: boolean;
  private readonly key: string | KeyObject;
  private hash: Hash | Hmac;
  private finished = false;

  constructor(secret?: SourceData) {
    this.isHmac = Boolean(secret);
    this.key = typeof secret === 'string' || secret === undefined ? (secret ?? '') : createSecretKey(toBytes(secret));
    this.hash = this.create();
  }

  update(data: SourceData): void {
    if (this.finished) throw new Error('Attempted to update an already finished hash.');
    this.hash.update(typeof data === 'string' ? data : toBytes(data));
  }

  /** An HMAC is finished by its digest; a plain hash can go on being updated (the SDK digests it as it goes). */
  digest(): Promise<Uint8Array> {
    let digest: Buffer;
    if (this.isHmac) {
      this.finished = true;
      digest = this.hash.digest();
    } else {
      digest = (this.hash as Hash).copy().digest();
    }
    return Promise.resolve(new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength));
  }

  reset(): void {
    this.hash = this.create();
    this.finished = false;
  }

  private create(): Hash | Hmac {
    return this.isHmac ? createHmac('sha256', this.key) : createHash('sha256');
  }
}

function toBytes(data: Exclude<SourceData, string>): Uint8Array {
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
}
