import { readFileSync } from 'node:fs';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../../src/config';
import { SECTIONS, type Config } from '../../src/config/sections';
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

const upstreamWarnings = (config: Config) => config.warnings.filter((warning) => warning.startsWith('UPSTREAM_'));

describe('loadConfig', () => {
  it('with only the required variables, applies the documented defaults', () => {
    const config = loadConfig(testEnv(), noFiles);

    expect(config).toMatchObject({
      server: { port: 8080, host: '0.0.0.0', shutdownTimeoutMs: 25000 },
      log: { level: 'info' },
      http: { bodyLimitBytes: 16384, trustProxyHops: 0, ratePerMinute: 60 },
      auth: { disabled: false },
      aws: {
        targets: [
          {
            name: 'default',
            accountId: '111122223333',
            region: 'eu-west-1',
            roleArn: 'arn:aws:iam::111122223333:role/namespace-registrar',
            roleSessionName: 'redshift-namespace-gateway',
            roleDurationSeconds: 3600,
            roleExternalId: undefined,
            redshiftEndpoint: undefined,
          },
        ],
      },
      upstream: {
        timeoutMs: 10000,
        connectTimeoutMs: 3000,
        // Derived: (10000 ms − 3000 ms of worst-case back-off) / 3 attempts.
        attemptTimeoutMs: 2333,
        maxAttempts: 3,
        maxSockets: 50,
        maxConcurrent: 32,
      },
      // testEnv() opens access to every caller (AUTHZ_ALLOW_ALL=true), which is said at start.
      warnings: [expect.stringContaining('AUTHZ_ALLOW_ALL=true')],
    });
    expect(config.auth.apiKeys.map((key) => key.name)).toEqual(['ci-pipeline', 'data-team']);
    expect(Object.isFrozen(config.aws)).toBe(true);
  });

  it('derives the attempt timeout so that attempts and back-off fit the deadline, and takes one that fits', () => {
    expect(
      loadConfig(testEnv({ UPSTREAM_MAX_ATTEMPTS: '1', UPSTREAM_TIMEOUT_MS: '4000' }), noFiles).upstream
        .attemptTimeoutMs,
    ).toBe(4000);
    // 2 attempts: 1000 ms of back-off at most.
    expect(
      loadConfig(testEnv({ UPSTREAM_MAX_ATTEMPTS: '2', UPSTREAM_TIMEOUT_MS: '5000' }), noFiles).upstream
        .attemptTimeoutMs,
    ).toBe(2000);
    expect(
      loadConfig(testEnv({ UPSTREAM_TIMEOUT_MS: '9000', UPSTREAM_ATTEMPT_TIMEOUT_MS: '2000' }), noFiles).upstream
        .attemptTimeoutMs,
    ).toBe(2000);
  });

  it('with only a short deadline set, fits the attempts to it and says how many, once', () => {
    const config = loadConfig(testEnv({ UPSTREAM_TIMEOUT_MS: '1500' }), noFiles);

    // 3 attempts need 3000 ms of back-off at most; 2 need 1000, leaving 250 ms for each attempt.
    expect(config.upstream).toMatchObject({ timeoutMs: 1500, maxAttempts: 2, attemptTimeoutMs: 250 });
    expect(upstreamWarnings(config)).toEqual([
      "UPSTREAM_TIMEOUT_MS=1500 leaves room for 2 attempts per AWS call, not 3, after the SDK's back-off (3000 ms at most): making 2; set UPSTREAM_MAX_ATTEMPTS to choose",
    ]);
  });

  it('with the shortest deadline, makes one attempt of the whole deadline', () => {
    const config = loadConfig(testEnv({ UPSTREAM_TIMEOUT_MS: '100' }), noFiles);

    expect(config.upstream).toMatchObject({ maxAttempts: 1, attemptTimeoutMs: 100 });
    expect(upstreamWarnings(config)).toEqual([
      expect.stringContaining('leaves room for 1 attempt per AWS call, not 3'),
    ]);
  });

  it('with an attempt timeout set and the attempts not, fits the attempts to both', () => {
    const config = loadConfig(testEnv({ UPSTREAM_TIMEOUT_MS: '10000', UPSTREAM_ATTEMPT_TIMEOUT_MS: '5000' }), noFiles);

    // 2 attempts: 2 × 5000 + 1000 > 10000; 1 attempt: 5000.
    expect(config.upstream).toMatchObject({ maxAttempts: 1, attemptTimeoutMs: 5000 });
    expect(upstreamWarnings(config)).toEqual([
      expect.stringContaining(
        'UPSTREAM_TIMEOUT_MS=10000 with UPSTREAM_ATTEMPT_TIMEOUT_MS=5000 leaves room for 1 attempt',
      ),
    ]);
  });

  it('passes the standard SDK settings through: retry mode, user agent app id, FIPS, dual-stack, endpoints', () => {
    const { aws, upstream } = loadConfig(
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

    expect(upstream.retryMode).toBe('adaptive');
    expect(aws).toMatchObject({ userAgentAppId: 'team-gw', useFipsEndpoint: true, useDualstackEndpoint: true });
    expect(aws.targets[0]).toMatchObject({
      redshiftEndpoint: 'http://127.0.0.1:4599',
      serverlessEndpoint: 'http://127.0.0.1:4599',
      stsEndpoint: 'http://127.0.0.1:4600',
    });
    expect(loadConfig(testEnv(), noFiles).aws.userAgentAppId).toMatch(/^redshift-namespace-gateway\/\d+\.\d+\.\d+/);
  });

  it('warns at start about risky settings: role chaining above one hour, open access', () => {
    const policy = () =>
      'rules:\n  - name: r\n    apiKeys: [ci]\n    actions: [register]\n    clusters: [a]\n    consumerAccounts: ["111122223333"]\n';
    const quiet = loadConfig(testEnv({ AUTHZ_ALLOW_ALL: undefined, AUTHZ_POLICY_FILE: '/p.yaml' }), policy);
    expect(quiet.warnings).toEqual([]);
    const { warnings } = loadConfig(testEnv({ REDSHIFT_ROLE_DURATION_SECONDS: '7200' }), noFiles);

    expect(warnings).toEqual([
      expect.stringContaining('AUTHZ_ALLOW_ALL=true'),
      expect.stringMatching(/^REDSHIFT_ROLE_DURATION_SECONDS=7200: AWS refuses sessions over 3600 s .*role chaining/),
    ]);
  });

  it('accepts PORT=0 for an ephemeral port', () => {
    expect(loadConfig(testEnv({ PORT: '0' }), noFiles).server.port).toBe(0);
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
      { UPSTREAM_TIMEOUT_MS: '10000', UPSTREAM_ATTEMPT_TIMEOUT_MS: '5000', UPSTREAM_MAX_ATTEMPTS: '3' },
      "UPSTREAM_MAX_ATTEMPTS × UPSTREAM_ATTEMPT_TIMEOUT_MS plus the SDK's back-off (3000 ms at most) is 18000 ms, more than UPSTREAM_TIMEOUT_MS (10000)",
    ],
    [
      { UPSTREAM_TIMEOUT_MS: '1000', UPSTREAM_ATTEMPT_TIMEOUT_MS: '2000' },
      "UPSTREAM_MAX_ATTEMPTS × UPSTREAM_ATTEMPT_TIMEOUT_MS plus the SDK's back-off (3000 ms at most) is 9000 ms, more than UPSTREAM_TIMEOUT_MS (1000)",
    ],
    [
      { UPSTREAM_TIMEOUT_MS: '2000', UPSTREAM_MAX_ATTEMPTS: '3' },
      'UPSTREAM_TIMEOUT_MS (2000) leaves less than 100 ms per attempt',
    ],
    [{ API_KEYS: 'ci:not-hex' }, 'API_KEYS entry 1 must be a name'],
    [{ API_KEYS: undefined }, 'API_KEYS, API_KEYS_FILE or JWT_ISSUER/JWT_AUDIENCE/JWT_JWKS_URL must admit someone'],
  ])('with %o, stops with a line naming the variable', (overrides, expected) => {
    const message = configError(testEnv(overrides));

    expect(message).toContain(expected);
    expect(message).not.toContain('\n');
  });

  it('names every bad variable at once', () => {
    const message = configError({ PORT: 'x' });

    expect(message).toMatch(/PORT .*REDSHIFT_ROLE_ARN is required .*, or TARGETS_FILE naming the targets/);
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
    expect(configError(testEnv({ API_KEYS_FILE: '/missing' }))).toContain(
      'API_KEYS_FILE cannot be read: /missing (ENOENT)',
    );
  });

  it('with AUTH_DISABLED=true, starts without keys', () => {
    const config = loadConfig(testEnv({ API_KEYS: undefined, AUTH_DISABLED: 'true' }), noFiles);

    expect(config.auth).toEqual({ disabled: true, apiKeys: [] });
  });
});

describe('loadConfig, access policy', () => {
  it('without AUTHZ_POLICY_FILE, reads the default path, and names it when nothing is mounted there', () => {
    expect(configError(testEnv({ AUTHZ_ALLOW_ALL: undefined }))).toContain(
      'AUTHZ_POLICY_FILE cannot be read: /etc/redshift-namespace-gateway/policy.yaml (ENOENT): mount the access policy there or set AUTHZ_POLICY_FILE',
    );
    const policy =
      'rules: [{name: r, apiKeys: [ci-pipeline], actions: [read], clusters: ["*"], consumerAccounts: ["*"]}]';
    const read = (path: string) => {
      if (path !== '/etc/redshift-namespace-gateway/policy.yaml') throw Object.assign(new Error(), { code: 'ENOENT' });
      return policy;
    };

    expect(loadConfig(testEnv({ AUTHZ_ALLOW_ALL: undefined }), read).authz.allowAll).toBe(false);
  });

  it('with an empty AUTHZ_POLICY_FILE and no AUTHZ_ALLOW_ALL, refuses to start', () => {
    expect(configError(testEnv({ AUTHZ_ALLOW_ALL: undefined, AUTHZ_POLICY_FILE: '' }))).toContain(
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

    expect(message).toContain('AUTHZ_POLICY_FILE (/p.yaml): rules[0].actions[0]');
  });

  it('says when the policy file is not YAML', () => {
    const message = configError(
      testEnv({ AUTHZ_ALLOW_ALL: undefined, AUTHZ_POLICY_FILE: '/p.yaml' }),
      () => 'rules: [',
    );

    expect(message).toContain('AUTHZ_POLICY_FILE (/p.yaml): is not valid YAML or JSON');
  });

  it('needs all three JWT settings or none', () => {
    expect(configError(testEnv({ JWT_ISSUER: 'https://idp.example.com/' }))).toContain(
      'JWT_ISSUER, JWT_AUDIENCE and JWT_JWKS_URL must be set together',
    );
  });
});

describe('.env.example', () => {
  const text = readFileSync(`${__dirname}/../../.env.example`, 'utf8');

  it('lists every variable loadConfig reads, set or commented out with its default', () => {
    const listed = [...text.matchAll(/^(?:# )?([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]);

    expect(
      listed.filter((name) => !name!.startsWith('AWS_') || CONFIG_VARIABLES.includes(name as never)).sort(),
    ).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('is itself a valid configuration, with the policy file it names', () => {
    const env = Object.fromEntries([...text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    const readFromRoot = (path: string) => readFileSync(`${__dirname}/../../${path}`, 'utf8');

    expect(loadConfig(env, readFromRoot).authz.allowAll).toBe(false);
  });
});

describe('loadConfig reports every problem in one pass', () => {
  it('names bad values, contradictions and unreadable files together', () => {
    const message = configError(
      testEnv({
        PORT: 'eighty',
        AWS_REGION: undefined,
        AUTHZ_ALLOW_ALL: undefined,
        AUTHZ_POLICY_FILE: 'missing-policy.yaml',
        HTTP_HEADERS_TIMEOUT_MS: '20000',
        HTTP_REQUEST_TIMEOUT_MS: '10000',
        JWT_ISSUER: 'https://issuer.example.com',
      }),
    );

    expect(message).toMatch(/^invalid configuration \(5 problems\): /);
    expect(message).toContain('PORT must be a whole number');
    expect(message).toContain('AWS_REGION is required with REDSHIFT_ROLE_ARN (such as eu-west-1)');
    expect(message).toContain(`AUTHZ_POLICY_FILE cannot be read: ${process.cwd()}/missing-policy.yaml (ENOENT)`);
    expect(message).toContain('HTTP_HEADERS_TIMEOUT_MS must not be more than HTTP_REQUEST_TIMEOUT_MS');
    expect(message).toContain('JWT_ISSUER, JWT_AUDIENCE and JWT_JWKS_URL must be set together');
  });

  it('does not repeat a bad variable as a contradiction', () => {
    const message = configError(testEnv({ UPSTREAM_MAX_ATTEMPTS: 'x', UPSTREAM_ATTEMPT_TIMEOUT_MS: '9000' }));

    expect(message).toBe('invalid configuration (1 problem): UPSTREAM_MAX_ATTEMPTS must be a whole number');
  });
});

describe('loadConfig asks "did you mean" for a misspelt variable', () => {
  it.each([
    ['AWS_REGOIN', 'AWS_REGION'],
    ['API_KEY', 'API_KEYS'],
    ['JWT_AUDENCE', 'JWT_AUDIENCE'],
    ['UPSTREAM_TIMOUT_MS', 'UPSTREAM_TIMEOUT_MS'],
    ['RATE_LIMIT_PER_MIN', 'RATE_LIMIT_PER_MINUTE'],
    ['AWS_ENDPOINT_URL_REDSHFIT', 'AWS_ENDPOINT_URL_REDSHIFT'],
    ['METRICS_TOKN', 'METRICS_TOKEN'],
  ])('%s: did you mean %s?', (misspelt, meant) => {
    expect(configError(testEnv({ [misspelt]: '1' }))).toContain(
      `${misspelt} is not a setting of the gateway; did you mean ${meant}?`,
    );
  });

  it('refuses an unknown variable under a prefix only the gateway uses', () => {
    expect(configError(testEnv({ IDEMPOTENCY_BACKEND: 'redis' }))).toContain(
      'IDEMPOTENCY_BACKEND is not a setting of the gateway (docs/configuration.md lists them)',
    );
  });

  it("leaves alone the SDK's, the system's and Kubernetes' own variables", () => {
    const others = {
      AWS_ACCESS_KEY_ID: 'AKIA',
      AWS_SECRET_ACCESS_KEY: 's',
      AWS_SESSION_TOKEN: 't',
      AWS_PROFILE: 'p',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_ROLE_ARN: 'arn:aws:iam::111122223333:role/irsa',
      AWS_ROLE_SESSION_NAME: 'irsa',
      AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token',
      AWS_ENDPOINT_URL_SQS: 'http://sqs',
      AWS_ENDPOINT_URL_S3: 'http://s3',
      AWS_MAX_ATTEMPTS: '3',
      HTTP_PROXY: 'http://proxy',
      HTTPS_PROXY: 'http://proxy',
      NODE_OPTIONS: '--max-old-space-size=256',
      PATH: '/usr/bin',
      HOSTNAME: 'pod-1',
      UPSTREAM_SERVICE_HOST: '10.0.0.1',
      UPSTREAM_SERVICE_PORT: '80',
      UPSTREAM_PORT: 'tcp://10.0.0.1:80',
      UPSTREAM_PORT_80_TCP_ADDR: '10.0.0.1',
    };

    expect(() => loadConfig(testEnv(others), noFiles)).not.toThrow();
  });
});

describe('loadConfig checks the region against the regions the SDK knows', () => {
  it.each(['eu-west-1', 'us-east-1', 'ap-southeast-2', 'us-gov-west-1', 'cn-north-1'])('accepts %s', (region) => {
    expect(loadConfig(testEnv({ AWS_REGION: region }), noFiles).aws.targets[0]?.region).toBe(region);
  });

  it.each([
    ['eu-wset-1', 'eu-west-1'],
    ['us-east-9', 'us-east-1'],
    ['ap-southest-1', 'ap-southeast-1'],
  ])('refuses %s: did you mean %s?', (region, meant) => {
    expect(configError(testEnv({ AWS_REGION: region }))).toContain(
      `AWS_REGION '${region}' is not a region this AWS SDK knows; did you mean ${meant}?`,
    );
  });
});

describe('the sections are the configuration', () => {
  it('no two sections declare one variable', () => {
    const declared = Object.values(SECTIONS).flatMap((section) => Object.keys(section.variables));
    expect(declared.sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('each section builds its options under its own key, and nothing else is in Config', () => {
    expect(Object.keys(loadConfig(testEnv(), noFiles)).sort()).toEqual([...Object.keys(SECTIONS), 'warnings'].sort());
  });
});

describe('loadConfig, tracing (the standard OTEL_* variables)', () => {
  it('is off without an OTLP endpoint', () => {
    expect(loadConfig(testEnv(), noFiles).tracing).toBeUndefined();
  });

  it('sends to <OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces, over http/protobuf, sampling by the parent by default', () => {
    const config = loadConfig(testEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }), noFiles);
    expect(config.tracing).toEqual({
      tracesUrl: 'http://collector:4318/v1/traces',
      protocol: 'http/protobuf',
      serviceName: 'redshift-namespace-gateway',
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
    });
  });

  it('takes the traces-only endpoint and protocol as they are, over the general ones', () => {
    const config = loadConfig(
      testEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/custom/path',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'namespace-gateway-eu',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
      }),
      noFiles,
    );
    expect(config.tracing).toEqual({
      tracesUrl: 'https://traces.example.com/custom/path',
      protocol: 'http/json',
      serviceName: 'namespace-gateway-eu',
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
    });
  });

  it.each([
    ['OTEL_SDK_DISABLED', 'true'],
    ['OTEL_TRACES_EXPORTER', 'none'],
  ])('is off with %s=%s', (name, value) => {
    const env = testEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', [name]: value });
    expect(loadConfig(env, noFiles).tracing).toBeUndefined();
  });

  it('refuses what it cannot honour, each named: gRPC, an unknown sampler, a ratio out of range, no URL', () => {
    const message = configError(
      testEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_TRACES_SAMPLER: 'xray',
        OTEL_TRACES_SAMPLER_ARG: '1.5',
        OTEL_TRACES_EXPORTER: 'zipkin',
      }),
    );
    expect(message).toContain('invalid configuration (5 problems)');
    expect(message).toContain('OTEL_EXPORTER_OTLP_ENDPOINT must be an http or https URL');
    expect(message).toContain(
      'OTEL_EXPORTER_OTLP_PROTOCOL must be one of http/protobuf, http/json (gRPC is not supported)',
    );
    expect(message).toContain('OTEL_TRACES_SAMPLER must be one of parentbased_always_on');
    expect(message).toContain('OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1');
    expect(message).toContain('OTEL_TRACES_EXPORTER must be otlp or none');
  });

  it('asks "did you mean" for a misspelt OTEL_ variable, and leaves the ones the SDK reads itself alone', () => {
    expect(configError(testEnv({ OTEL_EXPORTER_OTLP_ENDPONT: 'http://collector:4318' }))).toContain(
      'OTEL_EXPORTER_OTLP_ENDPONT is not a setting of the gateway; did you mean OTEL_EXPORTER_OTLP_ENDPOINT?',
    );
    const sdkOwn = {
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer x',
      OTEL_EXPORTER_OTLP_TIMEOUT: '5000',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod',
      OTEL_BSP_SCHEDULE_DELAY: '1000',
      OTEL_BSP_MAX_QUEUE_SIZE: '4096',
    };
    expect(() => loadConfig(testEnv(sdkOwn), noFiles)).not.toThrow();
    // Read by nothing (W3C Trace Context alone is propagated), but set for every pod by many platforms.
    expect(() => loadConfig(testEnv({ OTEL_PROPAGATORS: 'tracecontext,baggage' }), noFiles)).not.toThrow();
  });
});
