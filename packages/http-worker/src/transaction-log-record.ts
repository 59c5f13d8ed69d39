import type { Summary } from '@hotdog-lab/stats-core';

/** Longest rejected request body copied into a log record; the rest is cut and its size noted. */
export const MAX_LOGGED_INPUT_CHARS = 2048;

/** One stats transaction, accepted or rejected, as written to `logs/stats/`. */
export interface StatsTransaction {
  requestId: string;
  receivedAt: Date;
  clientAddress: string;
  /** HTTP status of the response. */
  status: number;
  /** The validated numbers, when the request got that far. */
  numbers?: number[];
  /** The request body as received, for rejected requests. */
  rawInput?: string;
  /** Reason for a missing raw input, for example a body that was never read because it was too large. */
  inputNote?: string;
  result?: Summary;
  error?: { code: string; message: string };
  /** Milliseconds from receiving the request to the end of the response. */
  handlingMs: number;
  /**
   * False when the client closed the connection before the whole response was sent; unset for a
   * record recovered from the spool after a crash, where the end of the response is unknown.
   */
  responseCompleted?: boolean;
}

/** Key prefix of the stats transaction logs in the store. */
export const STATS_LOG_PREFIX = 'logs/stats/';

/**
 * Builds the log object key `logs/stats/YYYY/MM/DD/<UTC timestamp>-<request id>.txt`.
 * The timestamp has no colons (`20261204T203000123Z`), so the key is also a valid file name on
 * every common filesystem, and the request id makes it unique, so a retried write reuses it.
 */
export function transactionLogKey(transaction: Pick<StatsTransaction, 'receivedAt' | 'requestId'>): string {
  const iso = transaction.receivedAt.toISOString();
  const [year, month, day] = iso.slice(0, 10).split('-');
  const compactTime = iso.replace(/[-:.]/g, '');
  return `${STATS_LOG_PREFIX}${year}/${month}/${day}/${compactTime}-${transaction.requestId}.txt`;
}

/**
 * Formats a transaction as a text file of `name: value` lines, one field per line.
 * Values that could hold line breaks (raw input, messages) are written as JSON strings, so one
 * record always has the same lines and a reader can parse it without guessing.
 */
export function formatTransactionLog(transaction: StatsTransaction): string {
  const lines = [
    'hotdog-lab stats transaction v1',
    `request_id: ${transaction.requestId}`,
    `received_at: ${transaction.receivedAt.toISOString()}`,
    `client_address: ${transaction.clientAddress}`,
    `status: ${transaction.status}`,
    `outcome: ${transaction.error ? 'rejected' : 'accepted'}`,
  ];

  if (transaction.numbers) {
    lines.push(`numbers: ${JSON.stringify(transaction.numbers)}`);
  } else {
    lines.push(`input: ${describeRawInput(transaction)}`);
  }

  if (transaction.result) {
    const { count, min, max, mean, median } = transaction.result;
    lines.push(`result: count=${count} min=${min} max=${max} mean=${mean} median=${median}`);
  }
  if (transaction.error) {
    lines.push(`error_code: ${transaction.error.code}`);
    lines.push(`error_message: ${JSON.stringify(transaction.error.message)}`);
  }

  lines.push(`handling_ms: ${transaction.handlingMs.toFixed(3)}`);
  lines.push(`response_completed: ${transaction.responseCompleted ?? 'unknown'}`);
  return `${lines.join('\n')}\n`;
}

function describeRawInput(transaction: StatsTransaction): string {
  if (transaction.rawInput === undefined) {
    return `(none: ${transaction.inputNote ?? 'body not read'})`;
  }

  const raw = transaction.rawInput;
  if (raw.length <= MAX_LOGGED_INPUT_CHARS) {
    return JSON.stringify(raw);
  }
  return `${JSON.stringify(raw.slice(0, MAX_LOGGED_INPUT_CHARS))} (cut to ${MAX_LOGGED_INPUT_CHARS} of ${raw.length} characters)`;
}
