import type { ImageCatalog, LabelService, ObjectStore } from '@hotdog-lab/label-store';
import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from './logger.js';
import { errorHandler } from './middleware/error-handler.js';
import { requestId } from './middleware/request-id.js';
import { registerImageRoutes } from './routes/images.js';
import { registerLabelRoutes } from './routes/labels.js';
import { registerStatsRoutes } from './routes/stats.js';
import type { TransactionLogWriter } from './transaction-log-writer.js';


export interface AppOptions {
  logger: Logger;
  transactionLog: TransactionLogWriter;
  /** Maximum count of numbers in one stats request. */
  maxNumbers: number;
  store: ObjectStore;
  catalog: ImageCatalog;
  labels: LabelService;
  /** Largest accepted image upload per file, in bytes. */
  maxUploadBytes: number;
}

/** Builds the Koa application: request ids, the JSON error handler, then the routes. */
export function createApp(options: AppOptions): Koa {
  const app = new Koa();
  const router = new Router();

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  registerStatsRoutes(router, { maxNumbers: options.maxNumbers, transactionLog: options.transactionLog });
  registerImageRoutes(router, { store: options.store, catalog: options.catalog, labels: options.labels, maxUploadBytes: options.maxUploadBytes });
  registerLabelRoutes(router, { store: options.store, labels: options.labels });

  app.use(requestId());
  app.use(errorHandler());
  app.use(router.routes());
  app.use(router.allowedMethods());

  // The error handler emits each 5xx error here once, so each server failure is logged once.
  app.on('error', (error: unknown, ctx?: Koa.Context) => {
    options.logger.error({ err: error, requestId: ctx?.state.requestId, method: ctx?.method, path: ctx?.path }, 'request failed');
  });
  return app;
}
