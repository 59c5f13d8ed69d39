import { performance } from 'node:perf_hooks';
import type { Middleware } from 'koa';
import type { HttpError } from '../http-error.js';
import { UNMATCHED_ROUTE, type WorkerMetrics } from '../metrics.js';
import { routeKey } from '../route-key.js';

/**
 * Observes every request's route pattern, method, final status and handling time, and counts
 * rejected uploads by error code. Place it outside the error handler, so the status is final.
 */
export function requestMetrics(metrics: WorkerMetrics): Middleware {
  return async (ctx, next) => {
    const startedAt = performance.now();
    try {
      await next();
    } finally {
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? UNMATCHED_ROUTE;
      metrics.observeRequest(String(route), ctx.method, ctx.status, (performance.now() - startedAt) / 1000);

      const error = ctx.state.error as HttpError | undefined;
      if (error && routeKey(ctx.method, ctx.path) === 'POST /v1/images') {
        metrics.countUploadRejection(error.code);
      }
    }
  };
}
