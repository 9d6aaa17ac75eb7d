import type { RequestHandler } from 'express';
import { RequestValidationError } from '../errors';

/** Refuses bodies nested deeper than `maxDepth` before the validator walks them. */
export function limitJsonDepth(maxDepth: number): RequestHandler {
  return (req, _res, next) => {
    if (depthOf(req.body, maxDepth) > maxDepth) {
      next(
        new RequestValidationError('The request body is nested too deeply.', [
          { pointer: '', detail: `must not nest deeper than ${maxDepth} levels` },
        ]),
      );
      return;
    }
    next();
  };
}

/** Depth of a parsed JSON value, counted without recursion and no further than `limit` + 1. */
function depthOf(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}
