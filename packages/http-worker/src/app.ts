import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from './logger.js';
import { errorHandler } from './middleware/error-handler.js';
import { requestId } from './middleware/request-id.js';
import { registerStatsRoutes } from './routes/stats.js';
import type { TransactionLogWriter } from './transaction-log-writer.js';

export interface AppOptions {
  logger: Logger;
  transactionLog: TransactionLogWriter;
  /** Most numbers accepted in one stats request. */
  maxNumbers: number;
}

/** Builds the Koa application: request ids, the JSON error handler, then the routes. */
export function createApp(options: AppOptions): Koa {
  const app = new Koa();
  const router = new Router();

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  registerStatsRoutes(router, { maxNumbers: options.maxNumbers, transactionLog: options.transactionLog });

  app.use(requestId());
  app.use(errorHandler());
  app.use(router.routes());
  app.use(router.allowedMethods());

  // The error handler emits only unexpected errors here, so each is logged exactly once.
  app.on('error', (error: unknown, ctx?: Koa.Context) => {
    options.logger.error({ err: error, requestId: ctx?.state.requestId, method: ctx?.method, path: ctx?.path }, 'request failed');
  });
  return app;
}
