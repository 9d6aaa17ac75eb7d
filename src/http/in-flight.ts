import type { Request, RequestHandler, Response } from 'express';
import { sendProblem } from './error-handler';
import { ShuttingDownError } from './errors';

/** The requests being served, so that shutdown can wait for them, or answer them, before exiting. */
export interface InFlightRequests {
  readonly track: RequestHandler;
  size(): number;
  /** Resolves once no request is in flight. */
  drained(): Promise<void>;
  /** Every request still unanswered. */
  pending(): [Request, Response][];
  /** Answers every request still unanswered with a 503 problem saying `detail`; returns how many. */
  answerPending(detail: string): number;
  /**
   * Since start: requests read, answered (the answer fully handed to the connection), and abandoned
   * (the connection closed first). Shutdown logs them, so that "every request read was answered" can
   * be checked from the gateway's side.
   */
  totals(): { received: number; answered: number; abandoned: number };
}

export function createInFlightRequests(onChange?: (size: number) => void): InFlightRequests {
  const requests = new Map<Response, Request>();
  let waiters: (() => void)[] = [];
  const totals = { received: 0, answered: 0, abandoned: 0 };
  const pending = (): [Request, Response][] =>
    [...requests].filter(([res]) => !res.headersSent).map(([res, req]) => [req, res]);
  const settle = () => {
    onChange?.(requests.size);
    if (requests.size > 0) return;
    waiters.forEach((resolve) => resolve());
    waiters = [];
  };
  return {
    track(req, res, next) {
      requests.set(res, req);
      totals.received += 1;
      onChange?.(requests.size);
      res.once('finish', () => {
        totals.answered += 1;
        if (requests.delete(res)) settle();
      });
      res.once('close', () => {
        if (!requests.delete(res)) return;
        totals.abandoned += 1;
        settle();
      });
      next();
    },
    size: () => requests.size,
    drained: () => (requests.size === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
    pending,
    answerPending(detail) {
      const unanswered = pending();
      for (const [req, res] of unanswered) sendProblem(req, res, new ShuttingDownError(detail));
      return unanswered.length;
    },
    totals: () => ({ ...totals }),
  };
}
