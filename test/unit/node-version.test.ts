import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { imageNodeVersion } from '../helpers/image-node';

// One Node.js version everywhere: the Dockerfile's `FROM node:X.Y.Z` is the source; every other pin
// agrees with it. CI runs the tests, the reliability suite and the benchmark on exactly that version
// (.ci/image-node.sh fetches it); `npm ci && npm test` also works on any Node.js that `engines` allows.
const root = `${__dirname}/../..`;
const image = imageNodeVersion();
const [imageMajor] = image.split('.').map(Number);
const json = <T>(path: string): T => JSON.parse(readFileSync(`${root}/${path}`, 'utf8')) as T;

describe('the Node.js version', () => {
  it('is the same in every stage of the Dockerfile', () => {
    expect(image).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('.nvmrc names the image’s version', () => {
    expect(readFileSync(`${root}/.nvmrc`, 'utf8').trim()).toBe(image);
  });

  it('@types/node is of the image’s major version', () => {
    const { devDependencies } = json<{ devDependencies: Record<string, string> }>('package.json');

    expect(devDependencies['@types/node']?.split('.')[0]).toBe(String(imageMajor));
  });

  it("engines is the AWS SDK's own floor, and the image's version is within it", () => {
    const { engines } = json<{ engines: { node: string } }>('package.json');
    const sdk = json<{ engines: { node: string } }>('node_modules/@aws-sdk/client-redshift/package.json');
    const floor = Number(/^>=(\d+)/.exec(engines.node)?.[1]);

    expect(engines.node).toBe(sdk.engines.node.replace(/\.0\.0$/, ''));
    expect(imageMajor).toBeGreaterThanOrEqual(floor);
  });

  it('is the version .ci/image-node.sh fetches for CI and the benchmark', () => {
    expect(execFileSync('bash', [`${root}/.ci/image-node.sh`, '--version'], { encoding: 'utf8' }).trim()).toBe(image);
  });
});
