import { loadSeed, type Seed } from './seed';

/**
 * The environment that points a gateway at the emulator at `emulatorUrl`: the region, the seed's
 * role, the three endpoints, and the seed's base credentials (which the SDK's default chain reads).
 * The one place `npm run local`, the benchmark, the reliability suite and the tests get it from.
 */
export function emulatorEnv(emulatorUrl: string, seed: Seed = loadSeed()): Record<string, string> {
  const [base] = seed.baseCredentials;
  const [role] = seed.roles;
  if (base === undefined || role === undefined) throw new Error('the seed has no base credentials or no role');
  return {
    AWS_REGION: 'us-east-1',
    REDSHIFT_ROLE_ARN: role.arn,
    AWS_ENDPOINT_URL_REDSHIFT: emulatorUrl,
    AWS_ENDPOINT_URL_STS: emulatorUrl,
    AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS: emulatorUrl,
    AWS_ACCESS_KEY_ID: base.accessKeyId,
    AWS_SECRET_ACCESS_KEY: base.secretAccessKey,
  };
}

/** For a gateway built in this process: the emulator's base credentials where the SDK's chain looks. */
export function useEmulatorBaseCredentials(seed: Seed = loadSeed()): void {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY } = emulatorEnv('http://unused', seed);
  Object.assign(process.env, { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY });
}
