/** Who is calling, as authenticated at the edge. */
export interface Caller {
  /** API key name, or the JWT's identity claim; the caller's name in policy, logs, metrics and audit. */
  readonly id: string;
  readonly via: 'api-key' | 'jwt' | 'none';
  /** Groups from the JWT's groups claim; empty for API keys. */
  readonly groups: readonly string[];
}

/**
 * The caller's identity across kinds, `api-key:<name>` or `jwt:<identity>` (or `anonymous`): what
 * scopes its rate limit and its Idempotency-Key records. An API key's name and a JWT subject that
 * happen to be spelt alike are two callers.
 */
export function principalOf(caller: Caller): string {
  return caller.via === 'none' ? 'anonymous' : `${caller.via}:${caller.id}`;
}
