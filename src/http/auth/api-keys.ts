import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeyDigest } from '../../config';

/**
 * Returns the name of the caller whose key this is, or undefined. The presented key is hashed and
 * compared with every stored digest in constant time, without stopping at a match, so the time
 * taken says nothing about which key, if any, matched.
 */
export function createApiKeyVerifier(keys: readonly ApiKeyDigest[]): (presented: string) => string | undefined {
  return (presented) => {
    const digest = createHash('sha256').update(presented, 'utf8').digest();
    let caller: string | undefined;
    for (const key of keys) {
      if (timingSafeEqual(digest, key.digest) && caller === undefined) caller = key.name;
    }
    return caller;
  };
}
