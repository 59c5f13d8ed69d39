import { ConsensusCache, type ImageCatalog, type LabelService, type ObjectStore } from '@hotdog-lab/label-store';
import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from './logger.js';
import type { WorkerMetrics } from './metrics.js';
import { requireApiToken } from './middleware/api-token.js';
import { beforeRespond } from './middleware/before-respond.js';
import { cors } from './middleware/cors.js';
import { errorHandler } from './middleware/error-handler.js';
import { rateLimit } from './middleware/rate-limit.js';
import { requestId } from './middleware/request-id.js';
import { requestMetrics } from './middleware/request-metrics.js';
import { securityHeaders } from './middleware/security-headers.js';
import { registerExportRoutes } from './routes/export.js';
import { registerImageRoutes } from './routes/images.js';
import { registerLabelRoutes } from './routes/labels.js';
import { registerOperationRoutes, type OperationRouteOptions } from './routes/operations.js';
import { registerStatsRoutes } from './routes/stats.js';
import { defaultWebDir, registerWebRoutes } from './routes/web.js';
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
  /** Folder of the built web page served at `/`; default `dist/web` of this package. */
  webDir?: string;
  /** Consensus of the labels, for sampling and export; defaults to one over `labels.labelFile` without fixed gold labels. */
  consensus?: ConsensusCache;
  /** Readiness, metrics and request security; without it there is no /readyz or /metrics and no limits. */
  operations?: AppOperations;
}

/** Production settings of the app: see `OperationsConfig` for the meaning of each. */
export interface AppOperations extends OperationRouteOptions {
  metrics: WorkerMetrics;
  corsOrigins: readonly string[];
  rateLimitPerMinute: number;
  apiToken: string | undefined;
  trustProxy: boolean;
}

/** Routes that need the API token when one is configured: changing the image set and reading all labels. */
export const TOKEN_ROUTES = [
  { method: 'POST', path: '/v1/images' },
  { method: 'GET', path: '/v1/labels.csv' },
  { method: 'GET', path: '/v1/export/labels.csv' },
] as const;

/** Routes with a per-client rate limit. */
export const RATE_LIMITED_ROUTES = [
  { method: 'POST', path: '/v1/images', scope: 'uploads' },
  { method: 'POST', path: '/v1/labels', scope: 'labels' },
] as const;

/** Builds the Koa application: security headers, request ids, the JSON error handler, then the routes. */
export function createApp(options: AppOptions): Koa {
  const app = new Koa();
  const router = new Router();

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  registerStatsRoutes(router, { maxNumbers: options.maxNumbers, transactionLog: options.transactionLog });
  const consensus = options.consensus ?? new ConsensusCache({ labelFile: options.labels.labelFile });
  registerImageRoutes(router, { store: options.store, catalog: options.catalog, labels: options.labels, maxUploadBytes: options.maxUploadBytes, consensus });
  registerLabelRoutes(router, { store: options.store, labels: options.labels });
  registerExportRoutes(router, { consensus });
  const operations = options.operations;
  if (operations) {
    registerOperationRoutes(router, operations);
    // Behind a load balancer, take the address it appended to X-Forwarded-For (the last one);
    // earlier entries come from the client and could be forged.
    app.proxy = operations.trustProxy;
    app.maxIpsCount = 1;
  }
  const webDir = options.webDir ?? defaultWebDir();
  const webFiles = registerWebRoutes(router, { dir: webDir });
  if (webFiles.includes('index.html')) {
    options.logger.debug({ dir: webDir, files: webFiles }, 'web page loaded');
  } else {
    options.logger.warn({ dir: webDir }, 'web page not built; GET / answers 404 until pnpm build has run and the worker restarts');
  }

  app.use(securityHeaders());
  app.use(requestId());
  if (operations) app.use(requestMetrics(operations.metrics));
  app.use(beforeRespond());
  app.use(errorHandler());
  if (operations) {
    app.use(cors(operations.corsOrigins));
    app.use(rateLimit(operations.rateLimitPerMinute, RATE_LIMITED_ROUTES, (scope) => operations.metrics.countRateLimited(scope)));
    app.use(requireApiToken(operations.apiToken, TOKEN_ROUTES));
  }
  app.use(router.routes());
  app.use(router.allowedMethods());

  // The error handler emits each 5xx error here once, so each server failure is logged once.
  app.on('error', (error: unknown, ctx?: Koa.Context) => {
    options.logger.error({ err: error, requestId: ctx?.state.requestId, method: ctx?.method, path: ctx?.path }, 'request failed');
  });
  return app;
}
