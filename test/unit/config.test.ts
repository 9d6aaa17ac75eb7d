import { readFileSync } from 'node:fs';
import { CONFIG_VARIABLES, ConfigError, loadConfig, startupWarnings } from '../../src/config';
import { sha256Hex, testEnv } from '../helpers/config';

const noFiles = () => {
  throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
};

function configError(env: Record<string, string | undefined>, readFile: (path: string) => string = noFiles): string {
  try {
    loadConfig(env, readFile);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('loadConfig accepted the configuration');
}

describe('loadConfig', () => {
  it('with only the required variables, applies the documented defaults', () => {
    const config = loadConfig(testEnv(), noFiles);

    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      logLevel: 'info',
      http: { bodyLimitBytes: 16384, trustProxyHops: 0 },
      auth: { disabled: false },
      aws: {
        region: 'eu-west-1',
        roleSessionName: 'redshift-namespace-gateway',
        roleDurationSeconds: 3600,
        roleExternalId: undefined,
        redshiftEndpoint: undefined,
        timeoutMs: 10000,
        connectTimeoutMs: 3000,
        // Derived: (10000 ms − 3000 ms of worst-case back-off) / 3 attempts.
        attemptTimeoutMs: 2333,
        maxAttempts: 3,
        maxSockets: 50,
      },
    });
    expect(config.auth.apiKeys.map((key) => key.name)).toEqual(['ci-pipeline', 'data-team']);
    expect(Object.isFrozen(config.aws)).toBe(true);
  });

  it('derives the attempt timeout so that attempts and back-off fit the deadline, and takes one that fits', () => {
    expect(
      loadConfig(testEnv({ UPSTREAM_MAX_ATTEMPTS: '1', UPSTREAM_TIMEOUT_MS: '4000' }), noFiles).aws.attemptTimeoutMs,
    ).toBe(4000);
    // 2 attempts: 1000 ms of back-off at most.
    expect(
      loadConfig(testEnv({ UPSTREAM_MAX_ATTEMPTS: '2', UPSTREAM_TIMEOUT_MS: '5000' }), noFiles).aws.attemptTimeoutMs,
    ).toBe(2000);
    expect(
      loadConfig(testEnv({ UPSTREAM_TIMEOUT_MS: '9000', UPSTREAM_ATTEMPT_TIMEOUT_MS: '2000' }), noFiles).aws
        .attemptTimeoutMs,
    ).toBe(2000);
  });

  it('passes the standard SDK settings through: retry mode, user agent app id, FIPS, dual-stack, endpoints', () => {
    const { aws } = loadConfig(
      testEnv({
        AWS_RETRY_MODE: 'adaptive',
        AWS_SDK_UA_APP_ID: 'team-gw',
        AWS_USE_FIPS_ENDPOINT: 'true',
        AWS_USE_DUALSTACK_ENDPOINT: 'true',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:4599',
        AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:4600',
      }),
      noFiles,
    );

    expect(aws).toMatchObject({
      retryMode: 'adaptive',
      userAgentAppId: 'team-gw',
      useFipsEndpoint: true,
      useDualstackEndpoint: true,
      redshiftEndpoint: 'http://127.0.0.1:4599',
      stsEndpoint: 'http://127.0.0.1:4600',
    });
    expect(loadConfig(testEnv(), noFiles).aws.userAgentAppId).toMatch(/^redshift-namespace-gateway\/\d+\.\d+\.\d+/);
  });

  it('warns at start about risky settings: role chaining above one hour, open access', () => {
    const policy = () =>
      'rules:\n  - name: r\n    apiKeys: [ci]\n    actions: [register]\n    clusters: [a]\n    consumerAccounts: ["111122223333"]\n';
    const quiet = loadConfig(testEnv({ AUTHZ_ALLOW_ALL: undefined, AUTHZ_POLICY_FILE: '/p.yaml' }), policy);
    expect(startupWarnings(quiet)).toEqual([]);
    const warnings = startupWarnings(loadConfig(testEnv({ REDSHIFT_ROLE_DURATION_SECONDS: '7200' }), noFiles));

    expect(warnings).toEqual([
      expect.stringContaining('AUTHZ_ALLOW_ALL=true'),
      expect.stringMatching(/^REDSHIFT_ROLE_DURATION_SECONDS=7200: AWS refuses sessions over 3600 s .*role chaining/),
    ]);
  });

  it('accepts PORT=0 for an ephemeral port', () => {
    expect(loadConfig(testEnv({ PORT: '0' }), noFiles).port).toBe(0);
  });

  it.each([
    [{ AWS_REGION: undefined }, 'AWS_REGION is required'],
    [{ REDSHIFT_ROLE_ARN: undefined }, 'REDSHIFT_ROLE_ARN is required'],
    [{ REDSHIFT_ROLE_ARN: 'arn:aws:iam::1234:user/x' }, 'REDSHIFT_ROLE_ARN must be an IAM role ARN'],
    [{ PORT: 'eighty' }, 'PORT must be a whole number'],
    [{ PORT: '70000' }, 'PORT must be at most 65535'],
    [{ REDSHIFT_ROLE_DURATION_SECONDS: '60' }, 'REDSHIFT_ROLE_DURATION_SECONDS must be at least 900'],
    [{ UPSTREAM_MAX_ATTEMPTS: '0' }, 'UPSTREAM_MAX_ATTEMPTS must be at least 1'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ BODY_LIMIT: 'huge' }, 'BODY_LIMIT must be a size'],
    [{ AWS_ENDPOINT_URL_REDSHIFT: 'ftp://x' }, 'AWS_ENDPOINT_URL_REDSHIFT must be an http or https URL'],
    [{ AUTH_DISABLED: 'yes' }, 'AUTH_DISABLED must be true or false'],
    [{ AWS_RETRY_MODE: 'legacy' }, 'AWS_RETRY_MODE must be one of standard, adaptive'],
    [{ CORS_ORIGINS: 'https://portal.example.com/app' }, 'CORS_ORIGINS.0 must list origins only'],
    [{ CORS_ORIGINS: 'https://ok.example.com,https://x.example.com/' }, 'CORS_ORIGINS.1 must list origins only'],
    [
      { HTTP_HEADERS_TIMEOUT_MS: '60000', HTTP_REQUEST_TIMEOUT_MS: '30000' },
      'HTTP_HEADERS_TIMEOUT_MS must not be more',
    ],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN must be at least 16 characters'],
    [{ JWT_MAX_AGE_SECONDS: '10' }, 'JWT_MAX_AGE_SECONDS must be at least 60'],
    [{ AWS_SDK_UA_APP_ID: 'x'.repeat(51) }, 'AWS_SDK_UA_APP_ID must be 1 to 50 characters'],
    [
      { UPSTREAM_TIMEOUT_MS: '10000', UPSTREAM_ATTEMPT_TIMEOUT_MS: '5000' },
      "UPSTREAM_MAX_ATTEMPTS × UPSTREAM_ATTEMPT_TIMEOUT_MS plus the SDK's back-off (3000 ms at most) is 18000 ms, more than UPSTREAM_TIMEOUT_MS (10000)",
    ],
    [{ UPSTREAM_TIMEOUT_MS: '2000' }, 'UPSTREAM_TIMEOUT_MS (2000) leaves less than 100 ms per attempt'],
    [{ API_KEYS: 'ci:not-hex' }, 'API_KEYS entry 1 must be a name'],
    [{ API_KEYS: undefined }, 'API_KEYS, API_KEYS_FILE or JWT_ISSUER/JWT_AUDIENCE/JWT_JWKS_URL must admit someone'],
  ])('with %o, stops with a line naming the variable', (overrides, expected) => {
    const message = configError(testEnv(overrides));

    expect(message).toContain(expected);
    expect(message).not.toContain('\n');
  });

  it('names every bad variable at once', () => {
    const message = configError({ PORT: 'x' });

    expect(message).toMatch(/PORT .*AWS_REGION .*REDSHIFT_ROLE_ARN/);
  });

  it('never echoes an API key entry, which may hold a secret pasted by mistake', () => {
    const message = configError(testEnv({ API_KEYS: 'ci:my-plain-secret-key' }));

    expect(message).not.toContain('my-plain-secret-key');
  });

  it('rejects two keys with one name', () => {
    const digest = sha256Hex('a');
    expect(configError(testEnv({ API_KEYS: `ci:${digest},ci:${sha256Hex('b')}` }))).toContain("'ci' is listed twice");
  });

  it('reads API_KEYS_FILE, one "name digest" per line, with comments and blank lines', () => {
    const file = `# callers\nnightly ${sha256Hex('n')}\n\nbackfill\t${sha256Hex('b')}\n`;

    const config = loadConfig(testEnv({ API_KEYS: undefined, API_KEYS_FILE: '/keys' }), (path) => {
      expect(path).toBe('/keys');
      return file;
    });

    expect(config.auth.apiKeys.map((key) => key.name)).toEqual(['nightly', 'backfill']);
    expect(config.auth.apiKeys[0]?.digest.toString('hex')).toBe(sha256Hex('n'));
  });

  it('with an unreadable API_KEYS_FILE, stops naming it', () => {
    expect(configError(testEnv({ API_KEYS_FILE: '/missing' }))).toContain('API_KEYS_FILE cannot be read (ENOENT)');
  });

  it('with AUTH_DISABLED=true, starts without keys', () => {
    const config = loadConfig(testEnv({ API_KEYS: undefined, AUTH_DISABLED: 'true' }), noFiles);

    expect(config.auth).toEqual({ disabled: true, apiKeys: [] });
  });
});

describe('loadConfig, access policy', () => {
  it('without a policy file or AUTHZ_ALLOW_ALL, refuses to start', () => {
    expect(configError(testEnv({ AUTHZ_ALLOW_ALL: undefined }))).toContain(
      'AUTHZ_POLICY_FILE must name the access policy (or set AUTHZ_ALLOW_ALL=true)',
    );
  });

  it('with both, refuses to start', () => {
    expect(configError(testEnv({ AUTHZ_POLICY_FILE: '/p.yaml' }))).toContain('exclude each other');
  });

  it('names the place of a mistake in the policy file', () => {
    const policy =
      'rules:\n  - name: r\n    apiKeys: [ci]\n    actions: [delete]\n    clusters: [a]\n    consumerAccounts: ["1"]\n';
    const message = configError(testEnv({ AUTHZ_ALLOW_ALL: undefined, AUTHZ_POLICY_FILE: '/p.yaml' }), () => policy);

    expect(message).toContain('AUTHZ_POLICY_FILE: rules[0].actions[0]');
  });

  it('says when the policy file is not YAML', () => {
    const message = configError(
      testEnv({ AUTHZ_ALLOW_ALL: undefined, AUTHZ_POLICY_FILE: '/p.yaml' }),
      () => 'rules: [',
    );

    expect(message).toContain('AUTHZ_POLICY_FILE: is not valid YAML or JSON');
  });

  it('needs all three JWT settings or none', () => {
    expect(configError(testEnv({ JWT_ISSUER: 'https://idp.example.com/' }))).toContain(
      'JWT_ISSUER, JWT_AUDIENCE and JWT_JWKS_URL must be set together',
    );
  });
});

describe('.env.example', () => {
  it('documents exactly the variables loadConfig reads', () => {
    const text = readFileSync(`${__dirname}/../../.env.example`, 'utf8');
    const documented = [...text.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]);

    expect([...documented].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('is itself a valid configuration', () => {
    const text = readFileSync(`${__dirname}/../../.env.example`, 'utf8');
    const env = Object.fromEntries([...text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1], m[2]]));

    const readExample = (path: string) => readFileSync(`${__dirname}/../../${path}`, 'utf8');

    expect(env.AUTHZ_POLICY_FILE).toBe('access-policy.example.yaml');
    expect(() => loadConfig(env, readExample)).not.toThrow();
  });
});
