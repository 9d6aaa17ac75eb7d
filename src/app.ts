import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Config } from './config';
import type { NamespaceRegistry } from './domain/ports';
import type { Contract } from './http/contract';
import { errorHandler } from './http/error-handler';
import './http/locals';
import { authenticate } from './http/middleware/authenticate';
import { notFound } from './http/middleware/not-found';
import { assignRequestId } from './http/middleware/request-id';
import { createRoutes } from './http/routes';
import { createValidator, translateRequestErrors } from './http/validation';
import type { Logger } from './logger';

export interface AppDeps {
  readonly config: Pick<Config, 'http' | 'auth'>;
  readonly logger: Logger;
  readonly contract: Contract;
  readonly namespaceRegistry: NamespaceRegistry;
  /** Check every answer against the contract too; tests turn this on. */
  readonly validateResponses?: boolean;
}

/** Builds the Express app; never listens. */
export function createApp({
  config,
  logger,
  contract,
  namespaceRegistry,
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
      customSuccessObject: (req, res, fields: object) => ({ ...fields, ...accessFields(req, res) }),
      customErrorObject: (req, res, _error, fields: object) => ({ ...fields, ...accessFields(req, res) }),
      // The status is what the access line needs of the response; its headers are noise.
      serializers: { res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }) },
      customSuccessMessage: () => 'request completed',
      customErrorMessage: () => 'request failed',
    }),
  );
  app.use(helmet());

  // Authenticate before reading the body: an unknown caller costs no parsing or validation.
  app.use('/namespaces', authenticate(config.auth));
  app.use(express.json({ limit: config.http.bodyLimitBytes }));
  app.use(createValidator(contract, { validateResponses }));
  app.use(createRoutes({ namespaceRegistry }));
  app.use(notFound);
  app.use(translateRequestErrors(contract));
  app.use(errorHandler);
  return app;
}

function accessFields(req: IncomingMessage, res: ServerResponse): Record<string, unknown> {
  const { locals } = res as express.Response;
  return {
    caller: locals?.caller,
    route: 'route' in req ? (req.route as { path?: string } | undefined)?.path : undefined,
    upstreamCode: locals?.upstreamCode,
  };
}
