import { AWS_SETTINGS } from '../aws/settings';
import { API_BUDGET_SETTINGS } from '../aws/budget/settings';
import { UPSTREAM_SETTINGS } from '../aws/upstream-settings';
import { AUTH_SETTINGS } from '../http/auth/settings';
import { AUTHZ_SETTINGS } from '../http/auth/policy-settings';
import { EDGE_SETTINGS } from '../http/edge-settings';
import { IDEMPOTENCY_SETTINGS } from '../http/idempotency/settings';
import { HTTP_SERVER_SETTINGS } from '../http/server-settings';
import { WAITING_ROOM_SETTINGS } from '../http/waiting-room-settings';
import { LOG_SETTINGS } from '../log-settings';
import { TRACING_SETTINGS } from '../tracing/settings';

// Every configured module's settings, composed: each module declares its variables and its options
// type beside its code (a light `*settings.ts` with no express, node:http or SDK client in it, so that
// tracing can start before those load). The order is the order of docs/configuration.md.
export const SECTIONS = {
  server: HTTP_SERVER_SETTINGS,
  http: EDGE_SETTINGS,
  log: LOG_SETTINGS,
  auth: AUTH_SETTINGS,
  authz: AUTHZ_SETTINGS,
  waiting: WAITING_ROOM_SETTINGS,
  idempotency: IDEMPOTENCY_SETTINGS,
  aws: AWS_SETTINGS,
  upstream: UPSTREAM_SETTINGS,
  budget: API_BUDGET_SETTINGS,
  tracing: TRACING_SETTINGS,
} as const;

/** The gateway's configuration, parsed from the environment once: each section's options. */
export type Config = { readonly [K in keyof typeof SECTIONS]: ReturnType<(typeof SECTIONS)[K]['build']> } & {
  /** Settings allowed but risky, or adjusted to fit: logged at every start. */
  readonly warnings: readonly string[];
};
