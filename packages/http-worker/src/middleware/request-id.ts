import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';

/** Header that carries the id on every response; clients quote it when they report a problem. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * Gives every request a fresh UUID in `ctx.state.requestId` and the response header.
 * A client-sent id is not reused: the id becomes part of storage keys, so the server makes it.
 */
export function requestId(): Middleware {
  return async (ctx, next) => {
    const id = randomUUID();
    ctx.state.requestId = id;
    ctx.set(REQUEST_ID_HEADER, id);
    await next();
  };
}
