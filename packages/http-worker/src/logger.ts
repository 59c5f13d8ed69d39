import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Creates the worker's structured JSON logger, writing to stdout. */
export function createLogger(level: LevelWithSilent = 'info'): Logger {
  return pino({
    name: 'hotdog-worker',
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
