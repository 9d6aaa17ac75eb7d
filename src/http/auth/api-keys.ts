import { createHash, timingSafeEqual } from 'node:crypto';

/** A caller's API key as configured: its name and the SHA-256 digest of the key (never the key). */
export interface ApiKeyDigest {
  /** The caller's name, used as its identity in logs. */
  readonly name: string;
  /** SHA-256 digest of the key, 32 bytes. */
  readonly digest: Buffer;
}

/** The development key of `npm run local` and `.env.example`, never for a deployment. */
export const LOCAL_API_KEY = 'local-dev-key';
export const LOCAL_API_KEY_DIGEST = createHash('sha256').update(LOCAL_API_KEY).digest('hex');

const API_KEY_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/**
 * API keys from configuration entries `name<separator>sha256hex` (API_KEYS: `name:hex`, comma-separated;
 * API_KEYS_FILE: `name hex` lines). A bad entry adds a problem naming `variable` and its position,
 * never its text (it may hold a key pasted by mistake).
 */
export function parseApiKeyEntries(
  variable: string,
  entries: readonly string[],
  separator: string | RegExp,
  problems: string[],
): ApiKeyDigest[] {
  const keys: ApiKeyDigest[] = [];
  entries.forEach((entry, index) => {
    const [name, digest, ...rest] = entry.trim().split(separator);
    if (
      name === undefined ||
      digest === undefined ||
      rest.length > 0 ||
      !API_KEY_NAME.test(name) ||
      !SHA256_HEX.test(digest)
    ) {
      problems.push(
        `${variable} entry ${index + 1} must be a name (letters, digits, ._-) and a 64-digit hex SHA-256 digest`,
      );
      return;
    }
    keys.push({ name, digest: Buffer.from(digest, 'hex') });
  });
  return keys;
}

/** A problem for each name or digest listed twice. */
export function duplicateKeyProblems(keys: readonly ApiKeyDigest[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const digests = new Set<string>();
  for (const key of keys) {
    if (names.has(key.name)) problems.push(`API key name '${key.name}' is listed twice`);
    if (digests.has(key.digest.toString('hex'))) problems.push(`API key '${key.name}' has the digest of another key`);
    names.add(key.name);
    digests.add(key.digest.toString('hex'));
  }
  return problems;
}

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
