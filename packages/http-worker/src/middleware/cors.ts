import type { Middleware } from 'koa';
import { HttpError } from '../http-error.js';

/** Time a browser may cache a preflight response, in seconds. */
export const PREFLIGHT_MAX_AGE_SECONDS = 600;

const ALLOWED_METHODS = 'GET, POST';
const ALLOWED_HEADERS = 'Authorization, Content-Type';
const EXPOSED_HEADERS = 'Retry-After, X-Request-Id';

/**
 * Cross-origin access for the listed origins only, compared exactly (scheme, host and port).
 * With no origins the worker sends no CORS headers, so browsers keep pages on other origins from
 * reading its responses. A preflight from an unlisted origin gets 403.
 */
export function cors(allowedOrigins: readonly string[]): Middleware {
  const allowed = new Set(allowedOrigins);
  return async (ctx, next) => {
    if (allowed.size === 0) {
      await next();
      return;
    }

    ctx.vary('Origin');
    const origin = ctx.get('Origin');
    const preflight = ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method') !== '';
    if (!allowed.has(origin)) {
      if (preflight) {
        throw new HttpError(403, 'CORS_ORIGIN_NOT_ALLOWED', `origin ${JSON.stringify(origin.slice(0, 200))} is not allowed; the worker accepts cross-origin requests only from --cors-origin`, {
          details: { origin: origin.slice(0, 200) },
        });
      }
      await next();
      return;
    }

    ctx.set('Access-Control-Allow-Origin', origin);
    if (preflight) {
      ctx.set('Access-Control-Allow-Methods', ALLOWED_METHODS);
      ctx.set('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      ctx.set('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS));
      ctx.status = 204;
      return;
    }
    ctx.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    await next();
  };
}
