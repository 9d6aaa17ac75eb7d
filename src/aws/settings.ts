import { z } from 'zod';
import { defineSection, variable } from '../env/variable';
import { booleanFlag, endpointUrl, integer, optionalText, required } from '../env/parsers';
import { GATEWAY_VERSION } from '../version';
import { unknownRegionProblem } from './region';

/** Where the gateway reaches AWS and as whom: region, the role it assumes, endpoints, user agent. */
export interface AwsOptions {
  readonly region: string;
  readonly roleArn: string;
  readonly roleExternalId: string | undefined;
  readonly roleSessionName: string;
  readonly roleDurationSeconds: number;
  /** The service's own AWS_ENDPOINT_URL_*, else AWS_ENDPOINT_URL; undefined means AWS's own. */
  readonly redshiftEndpoint: string | undefined;
  readonly stsEndpoint: string | undefined;
  readonly serverlessEndpoint: string | undefined;
  readonly useFipsEndpoint: boolean;
  readonly useDualstackEndpoint: boolean;
  /** AWS_SDK_UA_APP_ID, else `redshift-namespace-gateway/<version>`. */
  readonly userAgentAppId: string;
}

/** The address of `npm run emulator`. */
const LOCAL_EMULATOR_URL = 'http://127.0.0.1:4599';
// AWS refuses a role-chained session (base credentials that are themselves a role's, as on ECS, EKS
// and EC2) longer than one hour.
const ROLE_CHAINING_MAX_SECONDS = 3600;

export const AWS_SETTINGS = defineSection({
  title: 'AWS',
  variables: {
    AWS_REGION: variable(
      'Region of the Redshift clusters and namespaces (required); one this SDK version knows.',
      required('eu-west-1').regex(/^[a-z]{2,4}(-[a-z]+)+-\d+$/, 'must be an AWS region such as eu-west-1'),
      { local: 'us-east-1' },
    ),
    REDSHIFT_ROLE_ARN: variable(
      'The role the gateway assumes for every Redshift call (required; deploy/aws holds its policies).',
      required('arn:aws:iam::111122223333:role/name').regex(
        /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
        'must be an IAM role ARN such as arn:aws:iam::111122223333:role/name',
      ),
      { local: 'arn:aws:iam::111122223333:role/redshift-namespace-registrar' },
    ),
    // Character set and lengths are those of STS AssumeRole.
    REDSHIFT_ROLE_EXTERNAL_ID: variable(
      "The external id the role's trust policy requires, if any.",
      optionalText.pipe(
        z
          .string()
          .regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2 to 1224 characters of letters, digits and +=,.@:/-')
          .optional(),
      ),
    ),
    REDSHIFT_ROLE_SESSION_NAME: variable(
      "The session name CloudTrail shows for the gateway's calls.",
      z
        .string()
        .trim()
        .regex(/^[\w+=,.@-]{2,64}$/, 'must be 2 to 64 characters of letters, digits and +=,.@-'),
      { default: 'redshift-namespace-gateway' },
    ),
    REDSHIFT_ROLE_DURATION_SECONDS: variable(
      `Lifetime of the assumed credentials (900 to 43200 s), refreshed 5 minutes before expiry. At most ${ROLE_CHAINING_MAX_SECONDS} when the base credentials are themselves a role's (ECS, EKS, EC2: role chaining): AWS refuses longer chained sessions, and the gateway warns at start above ${ROLE_CHAINING_MAX_SECONDS}.`,
      integer(900, 43200),
      { default: '3600' },
    ),
    AWS_ENDPOINT_URL: variable(
      "Endpoint override (the SDK's standard name) for Redshift, Redshift Serverless and STS unless the service's own variable is set; empty means AWS's own endpoints.",
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
    if (check.parsed('AWS_REGION')) {
      const problem = unknownRegionProblem('AWS_REGION', v.AWS_REGION);
      if (problem !== undefined) check.problem(problem);
    }
    if (v.REDSHIFT_ROLE_DURATION_SECONDS > ROLE_CHAINING_MAX_SECONDS) {
      check.warn(
        `REDSHIFT_ROLE_DURATION_SECONDS=${v.REDSHIFT_ROLE_DURATION_SECONDS}: AWS refuses sessions over ${ROLE_CHAINING_MAX_SECONDS} s when the base credentials are themselves a role's (ECS, EKS, EC2: role chaining); AssumeRole will then fail`,
      );
    }
    return {
      region: v.AWS_REGION,
      roleArn: v.REDSHIFT_ROLE_ARN,
      roleExternalId: v.REDSHIFT_ROLE_EXTERNAL_ID,
      roleSessionName: v.REDSHIFT_ROLE_SESSION_NAME,
      roleDurationSeconds: v.REDSHIFT_ROLE_DURATION_SECONDS,
      redshiftEndpoint: v.AWS_ENDPOINT_URL_REDSHIFT ?? v.AWS_ENDPOINT_URL,
      stsEndpoint: v.AWS_ENDPOINT_URL_STS ?? v.AWS_ENDPOINT_URL,
      serverlessEndpoint: v.AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS ?? v.AWS_ENDPOINT_URL,
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
