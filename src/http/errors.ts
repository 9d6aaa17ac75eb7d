import type { FieldError } from '../contract';

/**
 * Errors of the HTTP edge itself: the request is refused before any use case runs. One made from
 * another error (of the body parser, the validator, the JWT library) keeps it as `cause`.
 */
export abstract class HttpEdgeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class RequestValidationError extends HttpEdgeError {
  constructor(
    message: string,
    readonly fieldErrors: readonly FieldError[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class UnauthorizedError extends HttpEdgeError {
  constructor(
    message: string,
    /** RFC 6750 `error` code for WWW-Authenticate, when a token was presented and refused. */
    readonly bearerError?: 'invalid_token',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The identity provider's keys cannot be had; the caller may retry. */
export class AuthUnavailableError extends HttpEdgeError {}

export class RateLimitedError extends HttpEdgeError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export class RouteNotFoundError extends HttpEdgeError {}

/** The request names a target (`target`) that the gateway is not configured with. */
export class TargetNotFoundError extends HttpEdgeError {}

export class MethodNotAllowedError extends HttpEdgeError {
  constructor(
    message: string,
    readonly allow: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class PayloadTooLargeError extends HttpEdgeError {}

export class UnsupportedMediaTypeError extends HttpEdgeError {
  constructor(
    message: string,
    /** The content codings accepted, for the Accept-Encoding answer header (RFC 9110, section 15.5.16). */
    readonly options: { acceptEncoding?: string } = {},
    errorOptions?: ErrorOptions,
  ) {
    super(message, errorOptions);
  }
}

/** As many requests as the gateway lets wait (`Prefer: wait`) are waiting already. */
export class TooManyWaitingError extends HttpEdgeError {}

/** The gateway is shutting down and could not finish this request in time. */
export class ShuttingDownError extends HttpEdgeError {}

/** The Idempotency-Key was first used with another request. */
export class IdempotencyKeyReuseError extends HttpEdgeError {}

/** The first request with this Idempotency-Key has not finished yet. */
export class IdempotencyKeyInUseError extends HttpEdgeError {}
