export { createApp, type AppOptions } from './app.js';
export { DEFAULT_CONFIG, HELP_TEXT, parseCommandLine, type ParsedCommandLine, type WorkerConfig } from './config.js';
export { HttpError, type ErrorDetails } from './http-error.js';
export { createLogger, type Logger } from './logger.js';
export type { ErrorBody } from './middleware/error-handler.js';
export { REQUEST_ID_HEADER } from './middleware/request-id.js';
export { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from './middleware/security-headers.js';
export { MAX_STATS_BODY_BYTES } from './routes/stats.js';
export { defaultWebDir } from './routes/web.js';
export {
  formatTransactionLog,
  MAX_LOGGED_INPUT_CHARS,
  STATS_LOG_PREFIX,
  transactionLogKey,
  type StatsTransaction,
} from './transaction-log-record.js';
export { TransactionLogWriter, type TransactionLogStats, type TransactionLogWriterOptions } from './transaction-log-writer.js';
export { startWorker, type StartWorkerOptions, type Worker } from './worker.js';
