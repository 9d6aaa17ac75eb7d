import { defineSection, variable, type SectionContext, type ValuesOf } from '../env/variable';
import { integer, oneOf, optionalText } from '../env/parsers';
import { worstCaseBackoffMs } from './retry-budget';

const RETRY_MODES = ['standard', 'adaptive'] as const;
export type RetryMode = (typeof RETRY_MODES)[number];

/** How calls to AWS are made: one deadline, attempts that fit in it, sockets, concurrency. */
export interface UpstreamOptions {
  /** Overall deadline of one call, retries and back-off included. */
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
  /** UPSTREAM_ATTEMPT_TIMEOUT_MS, or derived so that every attempt and the back-off fit the deadline. */
  readonly attemptTimeoutMs: number;
  /** UPSTREAM_MAX_ATTEMPTS, or when it was not set, as many of its default as fit the deadline. */
  readonly maxAttempts: number;
  readonly maxSockets: number;
  readonly retryMode: RetryMode;
  /** Calls to AWS in flight at once. */
  readonly maxConcurrent: number;
}

// An attempt shorter than this cannot reach AWS and back.
const MIN_ATTEMPT_TIMEOUT_MS = 100;

const VARIABLES = {
  UPSTREAM_TIMEOUT_MS: variable(
    'Overall deadline of one AWS call, retries and back-off included (100 to 120000 ms); past it the caller gets 504. With UPSTREAM_MAX_ATTEMPTS unset, the attempts are fitted to it (fewer when it is short, with a warning at start).',
    integer(100, 120000),
    { default: '10000' },
  ),
  UPSTREAM_CONNECT_TIMEOUT_MS: variable(
    'Time allowed to open a connection to AWS, per attempt (50 to 60000 ms).',
    integer(50, 60000),
    { default: '3000' },
  ),
  UPSTREAM_ATTEMPT_TIMEOUT_MS: variable(
    "Time allowed for one attempt's answer (50 to 120000 ms); a slower attempt is aborted and retried. Empty: derived as (UPSTREAM_TIMEOUT_MS − the SDK's worst-case back-off) / attempts, 2333 ms with the defaults. When set, attempts × this + back-off must fit in UPSTREAM_TIMEOUT_MS.",
    optionalText.pipe(integer(50, 120000).optional()),
  ),
  UPSTREAM_MAX_ATTEMPTS: variable(
    'Attempts per call, the first included (1 to 10); throttling, 5xx, timeouts and dropped connections are retried. When set, it must fit in UPSTREAM_TIMEOUT_MS with at least 100 ms per attempt after the back-off; unset, the default is lowered to what fits.',
    integer(1, 10),
    { default: '3' },
  ),
  UPSTREAM_MAX_SOCKETS: variable('Keep-alive sockets to AWS at most, per endpoint (1 to 1024).', integer(1, 1024), {
    default: '50',
  }),
  AWS_RETRY_MODE: variable(
    "The SDK's retry mode for every AWS client: standard, or adaptive (client-side rate limiting too).",
    oneOf(RETRY_MODES),
    { default: 'standard' },
  ),
  MAX_CONCURRENT_UPSTREAM: variable(
    'Calls to AWS in flight at once (1 to 1024); more get 503 with Retry-After at once, never a queue.',
    integer(1, 1024),
    { default: '32' },
  ),
};

export const UPSTREAM_SETTINGS = defineSection({
  title: 'Calls to AWS',
  variables: VARIABLES,
  build: (v, check): UpstreamOptions => ({
    ...fitAttempts(v, check),
    timeoutMs: v.UPSTREAM_TIMEOUT_MS,
    connectTimeoutMs: v.UPSTREAM_CONNECT_TIMEOUT_MS,
    maxSockets: v.UPSTREAM_MAX_SOCKETS,
    retryMode: v.AWS_RETRY_MODE,
    maxConcurrent: v.MAX_CONCURRENT_UPSTREAM,
  }),
});

/**
 * Attempts and their timeout that fit the deadline: attempts × attempt timeout + the SDK's worst-case
 * back-off ≤ UPSTREAM_TIMEOUT_MS, at least 100 ms an attempt. The deadline is what the user meant: an
 * attempt count left at its default is lowered to fit it (and said so); one set explicitly that
 * cannot fit stops the start.
 */
function fitAttempts(
  v: ValuesOf<typeof VARIABLES>,
  check: SectionContext<typeof VARIABLES>,
): Pick<UpstreamOptions, 'maxAttempts' | 'attemptTimeoutMs'> {
  const asked = { maxAttempts: v.UPSTREAM_MAX_ATTEMPTS, attemptTimeoutMs: 0 };
  if (!check.parsed('UPSTREAM_MAX_ATTEMPTS', 'UPSTREAM_TIMEOUT_MS', 'UPSTREAM_ATTEMPT_TIMEOUT_MS')) return asked;
  const deadline = v.UPSTREAM_TIMEOUT_MS;
  const given = v.UPSTREAM_ATTEMPT_TIMEOUT_MS;
  const attemptTimeoutFor = (attempts: number) =>
    given ?? Math.floor((deadline - worstCaseBackoffMs(attempts)) / attempts);
  const fits = (attempts: number) =>
    given === undefined
      ? attemptTimeoutFor(attempts) >= MIN_ATTEMPT_TIMEOUT_MS
      : attempts * given + worstCaseBackoffMs(attempts) <= deadline;

  if (fits(asked.maxAttempts)) return { ...asked, attemptTimeoutMs: attemptTimeoutFor(asked.maxAttempts) };
  let fitting = asked.maxAttempts - 1;
  while (fitting >= 1 && !fits(fitting)) fitting -= 1;
  if (check.isSet('UPSTREAM_MAX_ATTEMPTS') || fitting < 1) {
    check.problem(attemptsProblem(asked.maxAttempts, deadline, given));
    return asked;
  }
  const limits = given === undefined ? '' : ` with UPSTREAM_ATTEMPT_TIMEOUT_MS=${given}`;
  check.warn(
    `UPSTREAM_TIMEOUT_MS=${deadline}${limits} leaves room for ${fitting} attempt${fitting === 1 ? '' : 's'} per AWS call, not ${asked.maxAttempts}, after the SDK's back-off (${worstCaseBackoffMs(asked.maxAttempts)} ms at most): making ${fitting}; set UPSTREAM_MAX_ATTEMPTS to choose`,
  );
  return { maxAttempts: fitting, attemptTimeoutMs: attemptTimeoutFor(fitting) };
}

function attemptsProblem(attempts: number, deadline: number, given: number | undefined): string {
  const backoffMs = worstCaseBackoffMs(attempts);
  if (given === undefined) {
    return `UPSTREAM_TIMEOUT_MS (${deadline}) leaves less than ${MIN_ATTEMPT_TIMEOUT_MS} ms per attempt for UPSTREAM_MAX_ATTEMPTS=${attempts} after the SDK's back-off (${backoffMs} ms at most): raise it, or lower UPSTREAM_MAX_ATTEMPTS (or leave it unset to fit it)`;
  }
  return `UPSTREAM_MAX_ATTEMPTS × UPSTREAM_ATTEMPT_TIMEOUT_MS plus the SDK's back-off (${backoffMs} ms at most) is ${attempts * given + backoffMs} ms, more than UPSTREAM_TIMEOUT_MS (${deadline}): raise UPSTREAM_TIMEOUT_MS, or lower the others (or leave UPSTREAM_ATTEMPT_TIMEOUT_MS unset to derive it)`;
}
