// Runs after every test file (jest setupFilesAfterEach): nothing any test logged, in the access log
// or the audit log, may hold a credential: no API key, no JWT, no AWS secret or session token.
import { OTHER_API_KEY, TEST_API_KEY } from './config';

const sources: (() => string)[] = [];
const secrets = new Set<string>([
  TEST_API_KEY,
  OTHER_API_KEY,
  'secret-test',
  'assumed-secret',
  'assumed-session-token',
]);
const JWT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\./;

/** Something whose text is a log: a LogCapture, an audit file. */
export function registerLogSource(source: () => string): void {
  sources.push(source);
}

/** A credential that a test used or an emulator issued. */
export function registerSecret(secret: string): void {
  if (secret.length >= 8) secrets.add(secret);
}

afterAll(() => {
  const text = sources.map((source) => source()).join('\n');
  const leaked = [...secrets].filter((secret) => text.includes(secret));
  expect(leaked).toEqual([]);
  expect(text).not.toMatch(JWT);
});
