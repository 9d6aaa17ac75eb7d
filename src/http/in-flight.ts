import type { Request, RequestHandler, Response } from 'express';

/** The requests being served, so that shutdown can wait for them, or answer them, before exiting. */
export interface InFlightRequests {
  readonly track: RequestHandler;
  size(): number;
  /** Resolves once no request is in flight. */
  drained(): Promise<void>;
  /** Every request still unanswered, for a last answer before exit. */
  pending(): [Request, Response][];
}

export function createInFlightRequests(onChange?: (size: number) => void): InFlightRequests {
  const requests = new Map<Response, Request>();
  let waiters: (() => void)[] = [];
  const settle = () => {
    onChange?.(requests.size);
    if (requests.size > 0) return;
    waiters.forEach((resolve) => resolve());
    waiters = [];
  };
  return {
    track(req, res, next) {
      requests.set(res, req);
      onChange?.(requests.size);
      const done = () => {
        if (requests.delete(res)) settle();
      };
      res.once('finish', done);
      res.once('close', done);
      next();
    },
    size: () => requests.size,
    drained: () => (requests.size === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
    pending: () => [...requests].filter(([res]) => !res.headersSent).map(([res, req]) => [req, res]),
  };
}
