/** An answer as it was sent, to be sent again on a replay. */
export interface StoredAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** The answer's Location and Preference-Applied, when it had them. */
  readonly headers?: Readonly<Record<string, string>>;
}

export type ClaimResult =
  | { readonly outcome: 'claimed'; readonly token: string }
  | { readonly outcome: 'in-progress'; readonly fingerprint: string }
  | { readonly outcome: 'completed'; readonly fingerprint: string; readonly answer: StoredAnswer };

/**
 * Where Idempotency-Key records live. `claim` is atomic: of two requests racing on one key, exactly
 * one gets `claimed`. `complete` and `release` take the claim's token, so that a claim that expired
 * and was taken over by another request is left alone.
 * @throws IdempotencyStoreUnavailableError when the store cannot be reached.
 */
export interface IdempotencyStore {
  /** `owner` is the caller the key belongs to, for per-caller bounds. */
  claim(key: string, fingerprint: string, owner: string): Promise<ClaimResult>;
  complete(key: string, token: string, fingerprint: string, answer: StoredAnswer): Promise<void>;
  release(key: string, token: string): Promise<void>;
  close(): Promise<void>;
}

export class IdempotencyStoreUnavailableError extends Error {
  override readonly name: string = 'IdempotencyStoreUnavailableError';
}

/** The store has no room for another claim without evicting one in flight. */
export class IdempotencyStoreFullError extends IdempotencyStoreUnavailableError {
  override readonly name = 'IdempotencyStoreFullError';
}

export interface IdempotencyTimes {
  /** How long a completed answer is kept. */
  readonly ttlMs: number;
  /** How long a claim holds without an answer, should its process die mid-request. */
  readonly claimTtlMs: number;
}
