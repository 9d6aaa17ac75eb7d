import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// `npm run build` records the commit that /livez, the start-up log and gateway_build_info report.
const ROOT = join(__dirname, '..', '..');

function writeBuildInfo(env: NodeJS.ProcessEnv): unknown {
  const target = join(mkdtempSync(join(tmpdir(), 'build-info-')), 'build-info.json');
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'write-build-info.mjs'), target], { cwd: ROOT, env });
  return JSON.parse(readFileSync(target, 'utf8'));
}

describe('build info', () => {
  it("takes the image build's GIT_COMMIT argument", () => {
    expect(writeBuildInfo({ PATH: process.env.PATH, GIT_COMMIT: 'abc123' })).toEqual({ commit: 'abc123' });
  });

  it('otherwise asks git for the checkout’s commit', () => {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();

    expect(writeBuildInfo({ PATH: process.env.PATH })).toEqual({ commit: head });
  });

  it('says unknown without either', () => {
    expect(writeBuildInfo({ PATH: '/nonexistent' })).toEqual({ commit: 'unknown' });
  });
});
