import { performance } from 'node:perf_hooks';
import { summarize, validateNumbers, type Summary } from '@hotdog-lab/stats-core';
import type Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import { HttpError } from '../http-error.js';
import { readJsonBody } from '../read-json-body.js';
import { onBeforeRespond } from '../middleware/before-respond.js';
import type { StatsTransaction } from '../transaction-log-record.js';
import type { TransactionLogWriter, TransactionTicket } from '../transaction-log-writer.js';

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
 * Spools one transaction log record when the response is ready, before any byte of it is sent,
 * so a client never gets a response whose record a crash could lose. When the response has ended
 * (or the client went away), the finished record is queued for upload; writing it never delays
 * the response. Errors pass through to the error handler unchanged.
 */
function recordTransaction(transactionLog: TransactionLogWriter): Middleware {
  return async (ctx: Context, next: Next) => {
    const receivedAt = new Date();
    const startedAt = performance.now();
    // Read now: once the response is closed the socket is detached and its address is gone.
    const clientAddress = ctx.ip;
    const stats: StatsState = {};
    ctx.state.stats = stats;
    const timing = { receivedAt, clientAddress };

    let ticket: TransactionTicket | undefined;
    let closed = false;
    const spool = () => {
      ticket = transactionLog.spoolTransaction(buildTransaction(ctx, stats, { ...timing, handlingMs: performance.now() - startedAt }));
    };
    const submit = () => {
      const transaction = buildTransaction(ctx, stats, { ...timing, handlingMs: performance.now() - startedAt });
      transaction.responseCompleted = ctx.res.writableFinished;
      transactionLog.submit(ticket!, transaction);
    };

    if (!onBeforeRespond(ctx, () => {
      spool();
      // The client may have gone away before the response was ready.
      if (closed) submit();
    })) {
      throw new Error('the stats route needs the beforeRespond middleware in the app');
    }

    ctx.res.once('close', () => {
      closed = true;
      if (!ticket) return;
      try {
        submit();
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
