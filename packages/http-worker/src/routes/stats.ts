import { performance } from 'node:perf_hooks';
import { summarize, validateNumbers, type Summary } from '@hotdog-lab/stats-core';
import type Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import { HttpError } from '../http-error.js';
import { readJsonBody } from '../read-json-body.js';
import { formatTransactionLog, transactionLogKey, type StatsTransaction } from '../transaction-log-record.js';
import type { TransactionLogWriter } from '../transaction-log-writer.js';

/** Largest accepted stats request body: ten 16-digit numbers take about 200 bytes. */
export const MAX_STATS_BODY_BYTES = 16 * 1024;

export interface StatsRouteOptions {
  maxNumbers: number;
  transactionLog: TransactionLogWriter;
}

/** Facts about the request that the handler gathered, for the transaction log. */
interface StatsState {
  rawInput?: string;
  numbers?: number[];
  result?: Summary;
}

/** Registers `POST /v1/stats`. */
export function registerStatsRoutes(router: Router, options: StatsRouteOptions): void {
  router.post('/v1/stats', recordTransaction(options.transactionLog), handleStats(options.maxNumbers));
}

function handleStats(maxNumbers: number): Middleware {
  return async (ctx) => {
    const stats: StatsState = ctx.state.stats;
    const body = await readJsonBody(ctx.req, MAX_STATS_BODY_BYTES);
    stats.rawInput = body.text;

    if (typeof body.value !== 'object' || body.value === null || Array.isArray(body.value) || !('numbers' in body.value)) {
      throw new HttpError(400, 'INVALID_BODY', 'request body must be a JSON object with a "numbers" list, such as {"numbers":[1,2,3]}', {
        details: { field: 'numbers' },
      });
    }

    const numbers = validateNumbers((body.value as { numbers: unknown }).numbers, { maxCount: maxNumbers });
    stats.numbers = numbers;
    stats.result = summarize(numbers);
    ctx.body = stats.result;
  };
}

/**
 * Queues one transaction log record once the response has been sent (or the client went away),
 * so writing it never delays the response. Errors pass through to the error handler unchanged.
 */
function recordTransaction(transactionLog: TransactionLogWriter): Middleware {
  return async (ctx: Context, next: Next) => {
    const receivedAt = new Date();
    const startedAt = performance.now();
    // Read now: once the response is closed the socket is detached and its address is gone.
    const clientAddress = ctx.ip;
    const stats: StatsState = {};
    ctx.state.stats = stats;

    ctx.res.once('close', () => {
      try {
        const transaction = buildTransaction(ctx, stats, { receivedAt, clientAddress, handlingMs: performance.now() - startedAt });
        transactionLog.enqueue(transactionLogKey(transaction), formatTransactionLog(transaction), transaction.requestId);
      } catch (error) {
        // An exception here would escape as an uncaught error and stop the process.
        ctx.app.emit('error', error, ctx);
      }
    });

    await next();
  };
}

function buildTransaction(
  ctx: Context,
  stats: StatsState,
  timing: Pick<StatsTransaction, 'receivedAt' | 'clientAddress' | 'handlingMs'>,
): StatsTransaction {
  const error = ctx.state.error as HttpError | undefined;
  const transaction: StatsTransaction = {
    ...timing,
    requestId: String(ctx.state.requestId),
    status: ctx.status,
    responseCompleted: ctx.res.writableFinished,
  };

  if (stats.numbers && stats.result) {
    transaction.numbers = stats.numbers;
    transaction.result = stats.result;
  } else if (stats.rawInput !== undefined) {
    transaction.rawInput = stats.rawInput;
  } else {
    transaction.inputNote = error ? `body not read: ${error.code}` : 'body not read';
  }

  if (error) {
    transaction.error = { code: error.code, message: error.message };
  }
  return transaction;
}
