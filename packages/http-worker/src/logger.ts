import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Log fields that may carry a credential: request headers, the API token and AWS keys. */
export const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  'headers.cookie',
  'req.headers.cookie',
  'apiToken',
  'config.apiToken',
  '*.apiToken',
  'credentials',
  '*.credentials',
];

/** Creates the worker's structured JSON logger, writing to stdout. */
export function createLogger(level: LevelWithSilent = 'info'): Logger {
  return pino({
    name: 'hotdog-worker',
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Credentials must never reach a log line, even when a request or config object is logged whole.
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  });
}
