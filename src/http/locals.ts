import type { Span } from '@opentelemetry/api';
import type { Caller } from '../domain/caller';

// What the middleware leave on res.locals for later middleware and the access log.
declare module 'express-serve-static-core' {
  interface Locals {
    /** The authenticated caller. */
    caller?: Caller;
    /** The AWS target (account and region) the request goes to: its `target`, else `default`. */
    awsTarget?: string;
    /** The AWS error code behind a failed answer, for the access log. */
    upstreamCode?: string;
    /** The problem type (`/problems/<slug>`) of a failed answer, for the trace. */
    problemType?: string;
    /** The request's server span, when tracing is on. */
    span?: Span;
  }
}
