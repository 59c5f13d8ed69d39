import type { Middleware } from 'koa';

/**
 * The Content Security Policy of every response. The web page loads its script, style sheet and
 * icon from the worker itself, images from the worker or as `blob:`/`data:` URLs (upload
 * previews), and talks to the worker's API only; inline scripts and styles are never allowed.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' blob: data:",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** Headers set on every response, API and web page alike, errors included. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/**
 * Sets `SECURITY_HEADERS` before the rest of the chain runs. Registered first, so every response
 * has them: the error handler replaces the body and status of a failed request but keeps headers.
 */
export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    ctx.set(SECURITY_HEADERS);
    await next();
  };
}
