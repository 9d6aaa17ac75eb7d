import { z } from 'zod';

/** Failures the emulator injects, for tests. Counters count down as calls consume them. */
export interface Faults {
  /** Added before every Redshift answer. */
  latencyMs: number;
  /** The next N Redshift calls answer `Throttling` (400). */
  throttleNext: number;
  /** The next N Redshift calls answer `InternalFailure` (500). */
  serverErrorNext: number;
  /** The next N Redshift calls get their connection dropped, with no answer. */
  dropNext: number;
  /** While set, every AssumeRole fails with this code. */
  assumeRoleFailure: 'AccessDenied' | 'ServiceUnavailable' | null;
  /** When set, issued credentials last this long, whatever DurationSeconds asked for. */
  credentialLifetimeSeconds: number | null;
  /**
   * Any AWS error, by rule: the first rule that matches a call's service (and action, account and
   * region, when given) answers it with that wire code, HTTP status and message, after `latencyMs`
   * when given. A rule with `times` answers that many calls and is then dropped; without it, every
   * matching call. The account of an AssumeRole is the role's; of any other call, its signer's.
   */
  errors: ErrorRule[];
  /**
   * When set, a successful Register/DeregisterNamespace answers this `Status` instead of its own;
   * the empty string leaves `Status` out of the answer.
   */
  answerStatus: string | null;
  /** A registration or deregistration shows in the producer's datashares only this long after the call. */
  registrationDelayMs: number;
  /**
   * AWS's own API quota: per account (every account, or the one named) and API family (`write`:
   * Register/DeregisterNamespace; `read`: the Describe, Get and List calls), at most `perSecond` calls a
   * second (a token bucket of that rate and as many tokens); beyond it, `Throttling` (Redshift, 400) or
   * `ThrottlingException` (Redshift Serverless, 400), as AWS throttles.
   */
  accountRateLimits: AccountRateLimit[];
}

export interface AccountRateLimit {
  family: 'write' | 'read';
  perSecond: number;
  account?: string;
}

export interface ErrorRule {
  service: 'redshift' | 'redshift-serverless' | 'sts';
  action?: string;
  account?: string;
  region?: string;
  code: string;
  status: number;
  message: string;
  times?: number;
  latencyMs?: number;
}

export const NO_FAULTS: Readonly<Faults> = Object.freeze({
  latencyMs: 0,
  throttleNext: 0,
  serverErrorNext: 0,
  dropNext: 0,
  assumeRoleFailure: null,
  credentialLifetimeSeconds: null,
  errors: [],
  answerStatus: null,
  registrationDelayMs: 0,
  accountRateLimits: [],
});

const errorRuleSchema = z
  .object({
    service: z.enum(['redshift', 'redshift-serverless', 'sts']),
    action: z.string().min(1).optional(),
    account: z
      .string()
      .regex(/^\d{12}$/)
      .optional(),
    region: z.string().min(1).optional(),
    code: z.string().regex(/^[A-Za-z.]{1,100}$/),
    status: z.number().int().min(400).max(599),
    message: z.string().max(2000),
    times: z.number().int().min(1).optional(),
    latencyMs: z.number().int().min(0).max(600_000).optional(),
  })
  .strict();

export const faultsSchema = z
  .object({
    latencyMs: z.number().int().min(0).max(600_000),
    throttleNext: z.number().int().min(0),
    serverErrorNext: z.number().int().min(0),
    dropNext: z.number().int().min(0),
    assumeRoleFailure: z.enum(['AccessDenied', 'ServiceUnavailable']).nullable(),
    credentialLifetimeSeconds: z.number().int().min(1).nullable(),
    errors: z.array(errorRuleSchema),
    answerStatus: z.string().max(100).nullable(),
    registrationDelayMs: z.number().int().min(0).max(3_600_000),
    accountRateLimits: z.array(
      z
        .object({
          family: z.enum(['write', 'read']),
          perSecond: z.number().positive().max(100_000),
          account: z
            .string()
            .regex(/^\d{12}$/)
            .optional(),
        })
        .strict(),
    ),
  })
  .partial()
  .strict();

/**
 * The faults `npm run emulator` and `npm run local` start with: EMULATOR_FAULTS (JSON), and
 * EMULATOR_REGISTRATION_DELAY_MS (default 2000), how long a registration takes to show in the status.
 */
export function faultsFromEnvironment(env: Readonly<Record<string, string | undefined>>): Partial<Faults> {
  return faultsSchema.parse({
    registrationDelayMs: Number(env.EMULATOR_REGISTRATION_DELAY_MS ?? 2000),
    ...(JSON.parse(env.EMULATOR_FAULTS ?? '{}') as object),
  });
}
