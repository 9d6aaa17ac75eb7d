// Jest's configuration, in plain JavaScript (Jest reads a jest.config.ts only through ts-node). Three
// tiers, each runnable alone: `npm run test:unit`, `test:http`, `test:integration`; `npm test` runs all.
/** @type {import('jest').Config['projects'][number]} */
const base = {
  testEnvironment: '<rootDir>/test/helpers/node-realm-environment.ts',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
  setupFiles: ['<rootDir>/test/helpers/quiet-sdk.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/helpers/log-hygiene.ts'],
  clearMocks: true,
  restoreMocks: true,
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    // Single modules, no sockets (a few spawn a small script: the docs and manifests checks).
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    // The app over HTTP with supertest, the real SDK with its send stubbed.
    { ...base, displayName: 'http', testMatch: ['<rootDir>/test/http/**/*.test.ts'] },
    // Real processes and real HTTP to the emulator, Redis, a browser, the Dockerfile's steps.
    { ...base, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
  ],
};
