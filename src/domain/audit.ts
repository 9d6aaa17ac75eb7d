import type { UpstreamFault } from './errors';
import type { RegistrationStatus } from './ports';
import type { RegistrationAction } from './access-policy';
import type { NamespaceTarget } from './namespace-target';

/** One attempt to change a registration, allowed or not, and how it ended. Never holds a secret. */
export interface AuditEvent {
  readonly time: string;
  readonly requestId: string;
  readonly caller: string;
  readonly action: RegistrationAction;
  /** The configured AWS target (account and region) by name. */
  readonly awsTarget: string;
  /** The cluster or serverless namespace. */
  readonly target: NamespaceTarget;
  readonly consumer: string;
  readonly decision: { readonly allowed: boolean; readonly rule: string | undefined; readonly reason?: string };
  readonly outcome:
    | { readonly result: 'accepted'; readonly status: RegistrationStatus }
    | { readonly result: 'denied' }
    | { readonly result: 'failed'; readonly error: string; readonly upstream: UpstreamFault | undefined };
}

/** Where audit events go; in production a logger of its own. */
export interface AuditLog {
  record(event: AuditEvent): void;
}
