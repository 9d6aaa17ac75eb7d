/** Who is calling, as authenticated at the edge. */
export interface Caller {
  /** API key name, or the JWT's identity claim; the caller's name in policy, logs, metrics and audit. */
  readonly id: string;
  readonly via: 'api-key' | 'jwt' | 'none';
  /** Groups from the JWT's groups claim; empty for API keys. */
  readonly groups: readonly string[];
}
