import type { RequestHandler } from 'express';
import { RouteNotFoundError } from '../errors';

/** After every route: whatever reached here has no route. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new RouteNotFoundError(`No route ${req.method} ${req.path}.`));
};
