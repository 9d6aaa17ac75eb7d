import { readFileSync } from 'node:fs';
import { GATEWAY_VERSION } from '../../src/version';

const root = `${__dirname}/../..`;

describe('the version', () => {
  it("is package.json's, in semver", () => {
    const { version } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string };

    expect(GATEWAY_VERSION).toBe(version);
    expect(version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
  });

  it('has its entry in CHANGELOG.md, the newest under Unreleased', () => {
    const releases = [...readFileSync(`${root}/CHANGELOG.md`, 'utf8').matchAll(/^## (\S+)/gm)].map((m) => m[1]);

    expect(releases.slice(0, 2)).toEqual(['Unreleased', GATEWAY_VERSION]);
  });
});
