import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CONFIG_VARIABLES } from '../../src/config';
import { AUTHZ_SETTINGS, DEFAULT_POLICY_PATH } from '../../src/http/auth/policy-settings';
import { AUTH_SETTINGS } from '../../src/http/auth/settings';
import { loadSeed } from '../emulator/seed';

// compose.yaml repeats facts that have a home elsewhere; each is checked against it. (Its syntax is
// checked by `docker-compose config` in .ci/run.)
const ROOT = `${__dirname}/../..`;
const compose = parse(readFileSync(`${ROOT}/compose.yaml`, 'utf8')) as {
  services: Record<string, { image?: string; environment?: Record<string, string>; volumes?: string[] }>;
};
const { gateway, emulator } = compose.services as Required<typeof compose.services>;
const seed = loadSeed();

describe('compose.yaml', () => {
  it("runs the emulator on the Dockerfile's Node.js image", () => {
    const from = /^FROM (node:\S+)/m.exec(readFileSync(`${ROOT}/Dockerfile`, 'utf8'))?.[1];

    expect(emulator?.image).toBe(from);
  });

  it("sets only the gateway's variables and the emulator's base credentials, with the local values", () => {
    const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ...settings } = gateway?.environment ?? {};

    expect(Object.keys(settings).filter((name) => !CONFIG_VARIABLES.includes(name as never))).toEqual([]);
    expect([AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY]).toEqual([
      seed.baseCredentials[0]?.accessKeyId,
      seed.baseCredentials[0]?.secretAccessKey,
    ]);
    expect(settings.API_KEYS).toBe(AUTH_SETTINGS.variables.API_KEYS.local);
    expect(settings.REDSHIFT_ROLE_ARN).toBe(seed.roles[0]?.arn);
  });

  it('mounts the local policy where the image expects the policy', () => {
    expect(gateway?.volumes).toContain(
      `./${AUTHZ_SETTINGS.variables.AUTHZ_POLICY_FILE.local}:${DEFAULT_POLICY_PATH}:ro`,
    );
  });
});
