import cors from 'cors';
import express, { type Express, type RequestHandler } from 'express';
import type { Store } from 'express-rate-limit';
import helmet from 'helmet';
import type { AuditLog } from './domain/audit';
import type { NamespaceRegistry, RegistrationStatusReader } from './domain/ports';
import { createAccessLog } from './http/access-log';
import type { AuthOptions } from './http/auth/settings';
import type { AuthzOptions } from './http/auth/policy-settings';
import type { Contract } from './http/contract';
import type { EdgeOptions } from './http/edge-settings';
import { createDocsRoutes } from './http/docs';
import { createProblemPages } from './http/problem-pages';
import type { IdempotencyStore } from './http/idempotency/store';
import { errorHandler } from './http/error-handler';
import { createOperationsRoutes, type Readiness } from './http/health';
import type { InFlightRequests } from './http/in-flight';
import './http/locals';
import { authenticate } from './http/middleware/authenticate';
import { limitJsonDepth } from './http/middleware/json-depth';
import { limitRatePerCaller } from './http/middleware/rate-limit';
import { recordRequestMetrics } from './http/middleware/request-metrics';
import { createRoutes } from './http/routes';
import type { TargetNames } from './http/middleware/resolve-target';
import { traceRequests } from './http/trace-context';
import { MethodNotAllowedError } from './http/errors';
import { createValidator, translateRequestErrors } from './http/validation';
import type { WaitingRoom } from './http/waiting-room';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

/** What the HTTP edge is configured with (the rest of the configuration is the wiring's). */
export interface AppOptions {
  readonly http: EdgeOptions;
  readonly auth: AuthOptions;
  readonly authz: AuthzOptions;
}

export interface AppDeps {
  readonly config: AppOptions;
  readonly logger: Logger;
  readonly contract: Contract;
  /** The AWS targets configured, and the default one. */
  readonly targets: TargetNames;
  /** A desired-state PUT's changes carried out at once. */
  readonly changesAtOnce: number;
  readonly namespaceRegistry: NamespaceRegistry;
  readonly statusReader: RegistrationStatusReader;
  readonly waitingRoom: WaitingRoom;
  readonly auditLog: AuditLog;
  readonly idempotencyStore: IdempotencyStore;
  /** Where the per-caller rate limit is counted when the replicas share it; this process otherwise. */
  readonly rateLimitStore?: Store;
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly inFlight: InFlightRequests;
  /** True once shutdown has begun: answers then ask clients to close their connections. */
  readonly isDraining: () => boolean;
  /** Check every answer against the contract too; tests turn this on. */
  readonly validateResponses?: boolean;
  /** Make a server span for each request (tracing is on). */
  readonly traced?: boolean;
}

// The contract's operations: they need a caller credential and are validated against the contract.
const NAMESPACES = '/namespaces/';

/** Builds the Express app; never listens. */
export function createApp(deps: AppDeps): Express {
  const { config, logger, contract, metrics } = deps;
  const app = express();
  app.set('trust proxy', config.http.trustProxyHops);
  app.set('etag', false);

  if (deps.traced) app.use(traceRequests);
  app.use(deps.inFlight.track);
  app.use(closeConnectionsWhileDraining(deps.isDraining));
  app.use(createAccessLog(logger));
  app.use(recordRequestMetrics(metrics));
  // A JSON API serves no active content: nothing may load, frame or run anything from it. The docs
  // page sets a policy of its own.
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      frameguard: { action: 'deny' },
    }),
  );
  if (config.http.corsOrigins.length > 0) {
    app.use(
      cors({
        origin: [...config.http.corsOrigins],
        methods: ['GET', 'POST', 'PUT'],
        allowedHeaders: ['Authorization', 'X-API-Key', 'Content-Type', 'X-Request-Id', 'Idempotency-Key', 'Prefer'],
        exposedHeaders: [
          'X-Request-Id',
          'Retry-After',
          'RateLimit',
          'RateLimit-Policy',
          'Idempotent-Replayed',
          'Location',
          'Preference-Applied',
        ],
        maxAge: 600,
      }),
    );
  }

  app.use(answerByContractMethods(contract));

  // Outside the contract and without credentials: probes, metrics, the contract and its docs.
  app.use(createOperationsRoutes({ readiness: deps.readiness, metrics, metricsToken: config.http.metricsToken }));
  app.use(createDocsRoutes(contract));
  app.use(createProblemPages());

  // Authenticate and rate-limit before reading the body: an unknown or over-eager caller costs no
  // parsing or validation, and is never asked for its body (100 Continue).
  app.use(NAMESPACES, authenticate(config.auth), limitRatePerCaller(config.http.ratePerMinute, deps.rateLimitStore));
  // Only the contract's operations with a body have theirs read; compressed bodies are refused (415):
  // a JSON body of a few hundred bytes gains nothing from compression, and inflating is attack surface.
  app.use([...contract.bodyPaths], sendContinue, express.json({ limit: config.http.bodyLimitBytes, inflate: false }));
  app.use(limitJsonDepth(config.http.jsonMaxDepth));
  app.use(createValidator(contract, { validateResponses: deps.validateResponses ?? false, pathPrefix: NAMESPACES }));
  app.use(
    createRoutes({
      namespaceRegistry: deps.namespaceRegistry,
      statusReader: deps.statusReader,
      waitingRoom: deps.waitingRoom,
      accessPolicy: config.authz.policy,
      auditLog: deps.auditLog,
      idempotencyStore: deps.idempotencyStore,
      targets: deps.targets,
      changesAtOnce: deps.changesAtOnce,
    }),
  );
  // A path no route served reaches the validator, whose NotFound becomes the 404 `not-found` problem here.
  app.use(translateRequestErrors(contract));
  app.use(errorHandler);
  return app;
}

/** `100 Continue` for a caller that got this far (authenticated, within its rate), before its body is read. */
const sendContinue: RequestHandler = (req, res, next) => {
  if (req.get('expect')?.toLowerCase() === '100-continue' && !res.headersSent) res.writeContinue();
  next();
};

/**
 * The methods of the contract's paths: OPTIONS (without CORS, which answers preflights itself) gets
 * `204` with `Allow`, as RFC 9110 describes; a method the path does not have gets `405` with `Allow`.
 * An unknown path falls through to the 404.
 */
function answerByContractMethods(contract: Contract): RequestHandler {
  return (req, res, next) => {
    const methods = contract.methodsOf(req.path);
    const allowed =
      methods === undefined || methods.includes(req.method) || (req.method === 'HEAD' && methods.includes('GET'));
    if (allowed) {
      next();
      return;
    }
    const allow = [...methods, 'OPTIONS'].join(', ');
    if (req.method === 'OPTIONS') {
      res.set('Allow', allow).status(204).end();
      return;
    }
    next(new MethodNotAllowedError(`${req.path} does not accept ${req.method}.`, allow));
  };
}

function closeConnectionsWhileDraining(isDraining: () => boolean): RequestHandler {
  return (_req, res, next) => {
    if (isDraining()) res.set('Connection', 'close');
    next();
  };
}
