import { z } from 'zod';
import { defineSection, variable } from '../env/variable';
import { resolve } from 'node:path';
import { booleanFlag, endpointUrl, integer, optionalText } from '../env/parsers';
import { GATEWAY_VERSION } from '../version';
import { unknownRegionProblem } from './region';
import { parseTargetsFile } from './targets-file';

/** The name of the target a request without `target` goes to; the single-target variables define it. */
export const DEFAULT_TARGET = 'default';

/** One AWS account and region the gateway reaches, and the role it assumes there. */
export interface AwsTarget {
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  readonly roleArn: string;
  readonly roleExternalId: string | undefined;
  readonly roleSessionName: string;
  readonly roleDurationSeconds: number;
  /** The target's own override, else the service's AWS_ENDPOINT_URL_*, else AWS_ENDPOINT_URL; undefined means AWS's own. */
  readonly redshiftEndpoint: string | undefined;
  readonly stsEndpoint: string | undefined;
  readonly serverlessEndpoint: string | undefined;
}

/** Where the gateway reaches AWS and as whom: its targets, endpoint variants, user agent. */
export interface AwsOptions {
  /** The single-target variables' `default` first, then the targets file's, in its order. */
  readonly targets: readonly AwsTarget[];
  readonly useFipsEndpoint: boolean;
  readonly useDualstackEndpoint: boolean;
  /** AWS_SDK_UA_APP_ID, else `redshift-namespace-gateway/<version>`. */
  readonly userAgentAppId: string;
}

const accountOfRole = (roleArn: string): string => /^arn:[^:]+:iam::(\d{12}):/.exec(roleArn)?.[1] ?? '';

/** The address of `npm run emulator`. */
const LOCAL_EMULATOR_URL = 'http://127.0.0.1:4599';
// AWS refuses a role-chained session (base credentials that are themselves a role's, as on ECS, EKS
// and EC2) longer than one hour.
const ROLE_CHAINING_MAX_SECONDS = 3600;

export const AWS_SETTINGS = defineSection({
  title: 'AWS',
  variables: {
    TARGETS_FILE: variable(
      "The targets file, YAML or JSON: the AWS accounts and regions the gateway reaches, each named, with its role (docs/configuration.md#targets-file). Optional: without it the variables below define the one target `default`; with it they may still define `default` beside the file's targets.",
      optionalText,
      { local: 'test/emulator/local-targets.yaml' },
    ),
    AWS_REGION: variable(
      'Region of the `default` target (required with REDSHIFT_ROLE_ARN); one this SDK version knows.',
      optionalText.pipe(
        z
          .string()
          .regex(/^[a-z]{2,4}(-[a-z]+)+-\d+$/, 'must be an AWS region such as eu-west-1')
          .optional(),
      ),
      { local: 'us-east-1' },
    ),
    REDSHIFT_ROLE_ARN: variable(
      "The role the gateway assumes for the `default` target (required without TARGETS_FILE; deploy/aws holds its policies). Its account is the target's.",
      optionalText.pipe(
        z
          .string()
          .regex(
            /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
            'must be an IAM role ARN such as arn:aws:iam::111122223333:role/name',
          )
          .optional(),
      ),
      { local: 'arn:aws:iam::111122223333:role/redshift-namespace-registrar' },
    ),
    // Character set and lengths are those of STS AssumeRole.
    REDSHIFT_ROLE_EXTERNAL_ID: variable(
      "The external id the `default` target's role requires, if any.",
      optionalText.pipe(
        z
          .string()
          .regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2 to 1224 characters of letters, digits and +=,.@:/-')
          .optional(),
      ),
    ),
    REDSHIFT_ROLE_SESSION_NAME: variable(
      "The session name CloudTrail shows for the gateway's calls (every target's unless it names its own).",
      z
        .string()
        .trim()
        .regex(/^[\w+=,.@-]{2,64}$/, 'must be 2 to 64 characters of letters, digits and +=,.@-'),
      { default: 'redshift-namespace-gateway' },
    ),
    REDSHIFT_ROLE_DURATION_SECONDS: variable(
      `Lifetime of the assumed credentials (900 to 43200 s; every target's unless it sets its own), refreshed 5 minutes before expiry. At most ${ROLE_CHAINING_MAX_SECONDS} when the base credentials are themselves a role's (ECS, EKS, EC2: role chaining): AWS refuses longer chained sessions, and the gateway warns at start above ${ROLE_CHAINING_MAX_SECONDS}.`,
      integer(900, 43200),
      { default: '3600' },
    ),
    AWS_ENDPOINT_URL: variable(
      "Endpoint override (the SDK's standard name) for Redshift, Redshift Serverless and STS unless the service's own variable is set, for every target that sets none of its own; empty means AWS's own endpoints.",
      endpointUrl,
      { local: LOCAL_EMULATOR_URL },
    ),
    AWS_ENDPOINT_URL_REDSHIFT: variable('Endpoint override for Redshift.', endpointUrl),
    AWS_ENDPOINT_URL_STS: variable('Endpoint override for STS.', endpointUrl),
    AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS: variable('Endpoint override for Redshift Serverless.', endpointUrl),
    AWS_USE_FIPS_ENDPOINT: variable('true uses FIPS endpoints.', booleanFlag, { default: 'false' }),
    AWS_USE_DUALSTACK_ENDPOINT: variable('true uses dual-stack (IPv6) endpoints.', booleanFlag, { default: 'false' }),
    // The SDK warns about app ids over 50 characters.
    AWS_SDK_UA_APP_ID: variable(
      "App id in the user agent of every AWS call, so that CloudTrail tells the gateway's calls apart; at most 50 characters. Empty means `redshift-namespace-gateway/<version>`.",
      optionalText.pipe(
        z
          .string()
          .regex(/^[\w.@/:+=-]{1,50}$/, 'must be 1 to 50 characters of letters, digits and ._@/:+=-')
          .optional(),
      ),
    ),
  },
  build: (v, check): AwsOptions => {
    if (v.REDSHIFT_ROLE_DURATION_SECONDS > ROLE_CHAINING_MAX_SECONDS) {
      check.warn(
        `REDSHIFT_ROLE_DURATION_SECONDS=${v.REDSHIFT_ROLE_DURATION_SECONDS}: AWS refuses sessions over ${ROLE_CHAINING_MAX_SECONDS} s when the base credentials are themselves a role's (ECS, EKS, EC2: role chaining); AssumeRole will then fail`,
      );
    }
    const endpoints = {
      redshiftEndpoint: v.AWS_ENDPOINT_URL_REDSHIFT ?? v.AWS_ENDPOINT_URL,
      stsEndpoint: v.AWS_ENDPOINT_URL_STS ?? v.AWS_ENDPOINT_URL,
      serverlessEndpoint: v.AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS ?? v.AWS_ENDPOINT_URL,
    };
    const targets: AwsTarget[] = [];
    if (v.REDSHIFT_ROLE_ARN !== undefined) {
      if (v.AWS_REGION === undefined) {
        if (check.parsed('AWS_REGION'))
          check.problem('AWS_REGION is required with REDSHIFT_ROLE_ARN (such as eu-west-1)');
      } else {
        const problem = unknownRegionProblem('AWS_REGION', v.AWS_REGION);
        if (problem !== undefined) check.problem(problem);
      }
      targets.push({
        name: DEFAULT_TARGET,
        accountId: accountOfRole(v.REDSHIFT_ROLE_ARN),
        region: v.AWS_REGION ?? '',
        roleArn: v.REDSHIFT_ROLE_ARN,
        roleExternalId: v.REDSHIFT_ROLE_EXTERNAL_ID,
        roleSessionName: v.REDSHIFT_ROLE_SESSION_NAME,
        roleDurationSeconds: v.REDSHIFT_ROLE_DURATION_SECONDS,
        ...endpoints,
      });
    }
    if (v.TARGETS_FILE !== undefined) {
      const text = check.readFile('TARGETS_FILE', v.TARGETS_FILE, 'mount the targets file there or set TARGETS_FILE');
      const parsed = text === undefined ? { targets: {} } : parseTargetsFile(text);
      const where = `TARGETS_FILE (${resolve(v.TARGETS_FILE)})`;
      if ('problems' in parsed) parsed.problems.forEach((problem) => check.problem(`${where}: ${problem}`));
      else {
        for (const [name, entry] of Object.entries(parsed.targets)) {
          if (name === DEFAULT_TARGET && targets.length > 0) {
            check.problem(
              `${where}: targets.${name} is defined by REDSHIFT_ROLE_ARN already; name it otherwise or unset REDSHIFT_ROLE_ARN`,
            );
          }
          const problem = unknownRegionProblem(`${where}: targets.${name}.region`, entry.region);
          if (problem !== undefined) check.problem(problem);
          targets.push({
            name,
            accountId: entry.accountId,
            region: entry.region,
            roleArn: entry.roleArn,
            roleExternalId: entry.externalId,
            roleSessionName: entry.sessionName ?? v.REDSHIFT_ROLE_SESSION_NAME,
            roleDurationSeconds: entry.durationSeconds ?? v.REDSHIFT_ROLE_DURATION_SECONDS,
            redshiftEndpoint: entry.redshiftEndpoint ?? endpoints.redshiftEndpoint,
            stsEndpoint: entry.stsEndpoint ?? endpoints.stsEndpoint,
            serverlessEndpoint: entry.redshiftServerlessEndpoint ?? endpoints.serverlessEndpoint,
          });
        }
      }
    } else if (v.REDSHIFT_ROLE_ARN === undefined && check.parsed('REDSHIFT_ROLE_ARN')) {
      check.problem(
        'REDSHIFT_ROLE_ARN is required (such as arn:aws:iam::111122223333:role/name), or TARGETS_FILE naming the targets',
      );
    }
    return {
      targets,
      useFipsEndpoint: v.AWS_USE_FIPS_ENDPOINT,
      useDualstackEndpoint: v.AWS_USE_DUALSTACK_ENDPOINT,
      userAgentAppId: v.AWS_SDK_UA_APP_ID ?? `redshift-namespace-gateway/${GATEWAY_VERSION}`,
    };
  },
  // The base credentials that sign AssumeRole come from the SDK's default provider chain.
  readByLibraries: {
    AWS_ACCESS_KEY_ID:
      "Base credentials for STS, read by the AWS SDK's default chain (with AWS_SECRET_ACCESS_KEY and, for temporary ones, AWS_SESSION_TOKEN). `.env.example` sets the emulator's; never put real keys in a file.",
    AWS_SECRET_ACCESS_KEY: 'The secret of AWS_ACCESS_KEY_ID.',
    AWS_SESSION_TOKEN: 'The session token of temporary base credentials.',
    AWS_PROFILE: 'The profile of ~/.aws/config and ~/.aws/credentials whose credentials are the base ones.',
    AWS_WEB_IDENTITY_TOKEN_FILE:
      'EKS (IRSA) and other web identities: the token file; with AWS_ROLE_ARN, set by the platform, never by hand.',
    AWS_ROLE_ARN:
      'The workload role of a web identity (set by EKS with AWS_WEB_IDENTITY_TOKEN_FILE); not the role the gateway assumes (REDSHIFT_ROLE_ARN).',
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: 'ECS task roles and EKS Pod Identity: set by the platform.',
    AWS_CONTAINER_CREDENTIALS_FULL_URI: 'ECS task roles and EKS Pod Identity: set by the platform.',
    AWS_EC2_METADATA_DISABLED: 'true stops the SDK asking the EC2 instance metadata service for credentials.',
  },
});
