import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConsensusCache, ImageCatalog, LabelFile, LabelService, openStore, readDemoGoldLabels, seedDemoImages, type ObjectStore } from '@hotdog-lab/label-store';
import { createApp, type AppOperations } from './app.js';
import type { WorkerConfig } from './config.js';
import { findImage } from './find-image.js';
import { createLogger, type Logger } from './logger.js';
import { WorkerMetrics } from './metrics.js';
import { TransactionSpool } from './spool/transaction-spool.js';
import { MonitoredStore } from './storage/monitored-store.js';
import { StorageHealth } from './storage/storage-health.js';
import { TransactionLogWriter } from './transaction-log-writer.js';

/** Idle keep-alive sockets are closed after this, below common load balancer idle timeouts. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** A running worker. */
export interface Worker {
  server: Server;
  store: ObjectStore;
  transactionLog: TransactionLogWriter;
  catalog: ImageCatalog;
  labels: LabelService;
  logger: Logger;
  /** `http://host:port` of the listening socket. */
  url: string;
  /**
   * Stops accepting requests, waits for in-flight requests and pending log writes, and closes
   * the listener, all within `timeoutMs`. Returns false when something was still pending.
   */
  close(timeoutMs?: number): Promise<boolean>;
}

export interface StartWorkerOptions {
  logger?: Logger;
  store?: ObjectStore;
  /** Folder of the built web page; default `dist/web` of this package. */
  webDir?: string;
}

/** Opens the store, builds the app and listens on `config.host:config.port`. */
export async function startWorker(config: WorkerConfig, options: StartWorkerOptions = {}): Promise<Worker> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const rawStore =
    options.store ??
    openStore(config.storage, {
      ...(config.s3Endpoint && { s3Endpoint: config.s3Endpoint }),
      s3MaxAttempts: config.s3MaxAttempts,
      s3RequestTimeoutMs: config.s3RequestTimeoutMs,
    });
  // Every part of the worker uses the monitored store, so metrics and readiness see all calls.
  const store = new MonitoredStore(rawStore);
  const spool = config.spoolDir ? TransactionSpool.open(config.spoolDir, logger) : undefined;
  const transactionLog = new TransactionLogWriter(store, logger, { spool });
  transactionLog.start();
  const catalog = new ImageCatalog(store, { refreshIntervalMs: config.catalogRefreshMs, logger });
  const labelFile = new LabelFile(store, {
    onRetry: ({ error, ...retry }) => logger.warn({ err: error, ...retry }, 'label file append retrying'),
  });
  const labels = new LabelService({ store, labelFile, imageExists: async (id) => (await findImage(store, catalog, id)) !== undefined });

  if (config.seedDemo) {
    const seeded = await seedDemoImages(store, { catalog });
    logger.info({ added: seeded.added, existing: seeded.existing }, 'demo images seeded');
  }
  await catalog.start();
  logger.info({ images: catalog.size }, 'image catalog loaded');

  const fixedGold = config.goldDemo ? await readDemoGoldLabels() : undefined;
  if (fixedGold) {
    logger.info({ goldImages: fixedGold.size }, 'demo images marked as gold');
  }
  const consensus = new ConsensusCache({
    labelFile,
    fixedGold,
    onGoldError: (error, key) => logger.error({ err: error, key }, 'gold label file ignored; consensus uses the other gold labels'),
  });

  let stopping = false;
  const operations: AppOperations = {
    health: new StorageHealth(rawStore, store, logger),
    metrics: new WorkerMetrics(),
    metricSources: () => ({ transactionLog: transactionLog.stats, labelFile: labelFile.stats, storageCalls: store.totals }),
    isStopping: () => stopping,
    corsOrigins: config.corsOrigins ?? [],
    rateLimitPerMinute: config.rateLimitPerMinute ?? 0,
    apiToken: config.apiToken,
    trustProxy: config.trustProxy ?? false,
  };
  const app = createApp({ logger, transactionLog, maxNumbers: config.maxNumbers, store, catalog, labels, maxUploadBytes: config.maxUploadBytes, webDir: options.webDir, consensus, operations });

  const server = createServer(app.callback());
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.listen(config.port, config.host);
  await once(server, 'listening');

  const url = formatUrl(server.address() as AddressInfo);
  logger.info(
    {
      address: url,
      storage: store.description,
      maxNumbers: config.maxNumbers,
      spoolDir: spool?.dir ?? null,
      corsOrigins: operations.corsOrigins,
      rateLimitPerMinute: operations.rateLimitPerMinute,
      apiTokenRequired: config.apiToken !== undefined,
      trustProxy: operations.trustProxy,
    },
    'worker listening',
  );

  const close = async (timeoutMs = config.shutdownTimeoutMs) => {
    stopping = true;
    catalog.stop();
    const finished = await stopWorker(server, transactionLog, labelFile, logger, timeoutMs);
    await transactionLog.close();
    return finished;
  };
  return { server, store, transactionLog, catalog, labels, logger, url, close };
}

async function stopWorker(server: Server, transactionLog: TransactionLogWriter, labelFile: LabelFile, logger: Logger, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  logger.info({ pendingLogs: transactionLog.pendingCount, timeoutMs }, 'worker stopping');

  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const requestsDone = await Promise.race([closed.then(() => true), sleep(timeoutMs, false, { ref: false })]);
  if (!requestsDone) {
    server.closeAllConnections();
  }

  const logsDone = await transactionLog.drain(Math.max(0, deadline - Date.now()));
  const stats = { logs: transactionLog.stats, labels: labelFile.stats };
  if (logsDone && requestsDone) {
    logger.info(stats, 'worker stopped');
  } else {
    const outcome = transactionLog.hasSpool ? 'unwritten transaction logs stay in the spool for the next start' : 'pending transaction logs are lost';
    logger.error({ ...stats, requestsDone, logsDone }, `worker stopped before finishing; ${outcome}`);
  }
  return logsDone && requestsDone;
}

function formatUrl(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
