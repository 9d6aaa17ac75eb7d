import { readFileSync } from 'node:fs';

/**
 * The Node.js version the image ships: the Dockerfile's `FROM node:X.Y.Z`, the single source that
 * `.ci/image-node.sh`, the benchmark and the version checks all read.
 */
export function imageNodeVersion(dockerfile = readFileSync(`${__dirname}/../../Dockerfile`, 'utf8')): string {
  const versions = [...dockerfile.matchAll(/^FROM node:(\d+\.\d+\.\d+)\b/gm)].map((match) => match[1]!);
  if (versions.length === 0) throw new Error("the Dockerfile has no 'FROM node:X.Y.Z'");
  if (new Set(versions).size > 1)
    throw new Error(`the Dockerfile's stages use different Node.js: ${versions.join(', ')}`);
  return versions[0]!;
}
