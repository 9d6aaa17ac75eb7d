import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Config } from './config';
import type { AuditLog } from './domain/audit';
import type { NamespaceRegistry } from './domain/ports';
import type { Contract } from './http/contract';
import { errorHandler } from './http/error-handler';
import './http/locals';
import { authenticate } from './http/middleware/authenticate';
import { limitJsonDepth } from './http/middleware/json-depth';
import { notFound } from './http/middleware/not-found';
import { limitRatePerCaller } from './http/middleware/rate-limit';
import { assignRequestId } from './http/middleware/request-id';
import { createRoutes } from './http/routes';
import { createValidator, translateRequestErrors } from './http/validation';
import type { Logger } from './logger';

export interface AppDeps {
  readonly config: Pick<Config, 'http' | 'auth' | 'authz' | 'limits'>;
  readonly logger: Logger;
  readonly contract: Contract;
  readonly namespaceRegistry: NamespaceRegistry;
  readonly auditLog: AuditLog;
  /** Check every answer against the contract too; tests turn this on. */
  readonly validateResponses?: boolean;
}

/** Builds the Express app; never listens. */
export function createApp({
  config,
  logger,
  contract,
  namespaceRegistry,
  auditLog,
  validateResponses = false,
}: AppDeps): Express {
  const app = express();
  app.set('trust proxy', config.http.trustProxyHops);
  app.set('etag', false);

  app.use(
    pinoHttp({
      logger,
      genReqId: assignRequestId,
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
      customLogLevel: (_req, res, error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      // The status is what the access line needs of the response; its headers are noise.
      serializers: { res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }) },
      customSuccessObject: (req, res, fields: object) => ({ ...fields, ...accessFields(req, res) }),
      customErrorObject: (req, res, _error, fields: object) => ({ ...fields, ...accessFields(req, res) }),
      customSuccessMessage: () => 'request completed',
      customErrorMessage: () => 'request failed',
    }),
  );
  // A JSON API serves no active content: nothing may load, frame or run anything from it.
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
        methods: ['POST'],
        allowedHeaders: ['Authorization', 'X-API-Key', 'Content-Type', 'X-Request-Id'],
        exposedHeaders: ['X-Request-Id', 'Retry-After', 'RateLimit', 'RateLimit-Policy'],
        maxAge: 600,
      }),
    );
  }

  // Authenticate and rate-limit before reading the body: an unknown or over-eager caller costs no
  // parsing or validation.
  app.use('/namespaces', authenticate(config.auth), limitRatePerCaller(config.limits.ratePerMinute));
  app.use(express.json({ limit: config.http.bodyLimitBytes }));
  app.use(limitJsonDepth(config.http.jsonMaxDepth));
  app.use(createValidator(contract, { validateResponses }));
  app.use(createRoutes({ namespaceRegistry, accessPolicy: config.authz.policy, auditLog }));
  app.use(notFound);
  app.use(translateRequestErrors(contract));
  app.use(errorHandler);
  return app;
}

function accessFields(req: IncomingMessage, res: ServerResponse): Record<string, unknown> {
  const { locals } = res as express.Response;
  return {
    caller: locals?.caller?.id,
    route: 'route' in req ? (req.route as { path?: string } | undefined)?.path : undefined,
    upstreamCode: locals?.upstreamCode,
  };
}
