import type Router from '@koa/router';
import { HttpError } from '../http-error.js';
import type { MetricSources, WorkerMetrics } from '../metrics.js';
import { RECENT_WINDOW_SECONDS } from '../storage/monitored-store.js';
import type { StorageHealth } from '../storage/storage-health.js';

export interface OperationRouteOptions {
  health: StorageHealth;
  metrics: WorkerMetrics;
  /** Reads the counters kept elsewhere, at scrape time. */
  metricSources: () => Omit<MetricSources, 'storageReady'>;
  /** True once shutdown has begun, so a load balancer stops sending new requests. */
  isStopping: () => boolean;
}

/** Registers `GET /readyz` and `GET /metrics`. */
export function registerOperationRoutes(router: Router, options: OperationRouteOptions): void {
  let lastReady: boolean | undefined;

  router.get('/readyz', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    if (options.isStopping()) {
      throw new HttpError(503, 'SHUTTING_DOWN', 'the worker is shutting down and takes no new work; send requests to another instance', {
        details: { reason: 'shutting down' },
        headers: { 'Retry-After': '5' },
      });
    }

    const storage = await options.health.status(RECENT_WINDOW_SECONDS);
    lastReady = storage.ready;
    if (!storage.ready) {
      throw new HttpError(503, 'STORAGE_UNAVAILABLE', `the worker is not ready: ${storage.reason}`, {
        details: { reason: storage.reason, storage },
        headers: { 'Retry-After': '5' },
      });
    }
    ctx.body = { status: 'ready', storage };
  });

  router.get('/metrics', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'text/plain; version=0.0.4; charset=utf-8';
    ctx.body = options.metrics.render({ ...options.metricSources(), storageReady: lastReady });
  });
}
