import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { HttpError } from '../http-error.js';
import { routeKey } from '../route-key.js';

/** A route that needs the bearer token, as method and exact path. */
export interface ProtectedRoute {
  method: string;
  path: string;
}

/**
 * Requires `Authorization: Bearer <token>` on the listed routes when a token is configured.
 * Both sides are hashed to SHA-256 before `timingSafeEqual`, so the comparison takes the same
 * time whatever the sent value and its length.
 */
export function requireApiToken(token: string | undefined, routes: readonly ProtectedRoute[]): Middleware {
  if (token === undefined) {
    return async (_ctx, next) => next();
  }

  const expected = sha256(token);
  const protectedKeys = new Set(routes.map((route) => routeKey(route.method, route.path)));
  const isProtected = (method: string, path: string) => protectedKeys.has(routeKey(method, path));
  return async (ctx, next) => {
    if (!isProtected(ctx.method, ctx.path)) {
      await next();
      return;
    }

    const header = ctx.get('Authorization');
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (!match || !timingSafeEqual(sha256(match[1]!), expected)) {
      throw new HttpError(401, 'UNAUTHORIZED', `${ctx.method} ${ctx.path} needs the API token; send the header "Authorization: Bearer <token>"`, {
        details: { header: 'Authorization', reason: header === '' ? 'missing' : 'invalid' },
        headers: { 'WWW-Authenticate': 'Bearer realm="hotdog-worker"' },
      });
    }
    await next();
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
