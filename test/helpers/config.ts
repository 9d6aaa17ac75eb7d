import { createHash } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config';

export const TEST_API_KEY = 'test-key-0123456789abcdef';
export const OTHER_API_KEY = 'other-key-fedcba9876543210';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The environment of a valid configuration; tests override single variables. */
export function testEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    AWS_REGION: 'eu-west-1',
    REDSHIFT_ROLE_ARN: 'arn:aws:iam::111122223333:role/namespace-registrar',
    API_KEYS: `ci-pipeline:${sha256Hex(TEST_API_KEY)},data-team:${sha256Hex(OTHER_API_KEY)}`,
    AUTHZ_ALLOW_ALL: 'true',
    ...overrides,
  };
}

/** A configuration from testEnv; `files` stands in for the file system (API_KEYS_FILE, AUTHZ_POLICY_FILE). */
export function testConfig(
  overrides: Record<string, string | undefined> = {},
  files: Record<string, string> = {},
): Config {
  return loadConfig(testEnv(overrides), (path) => {
    const text = files[path];
    if (text === undefined) throw Object.assign(new Error(`no file ${path}`), { code: 'ENOENT' });
    return text;
  });
}
