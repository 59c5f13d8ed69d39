import type { StatsTransaction } from '../transaction-log-record.js';

/** A finished log record as written to the spool when the upload queue was full. */
export interface SpilledRecord {
  key: string;
  requestId: string;
  body: string;
}

/**
 * Encodes a transaction for a ready-time spool line. The response has not ended yet, so
 * `responseCompleted` is left out and `handlingMs` is the time until the response was ready.
 */
export function encodeSpooledTransaction(key: string, transaction: StatsTransaction): string {
  const { responseCompleted: _unknownYet, ...known } = transaction;
  return JSON.stringify({ key, transaction: { ...known, receivedAt: transaction.receivedAt.toISOString() } });
}

/** Decodes a ready-time spool line; the transaction has no `responseCompleted`. */
export function decodeSpooledTransaction(json: string): { key: string; transaction: StatsTransaction } {
  const parsed = JSON.parse(json) as { key: string; transaction: Omit<StatsTransaction, 'receivedAt'> & { receivedAt: string } };
  if (typeof parsed.key !== 'string' || typeof parsed.transaction?.requestId !== 'string') {
    throw new Error(`spool line is not a transaction record: ${json.slice(0, 200)}`);
  }
  return { key: parsed.key, transaction: { ...parsed.transaction, receivedAt: new Date(parsed.transaction.receivedAt) } };
}

export function encodeSpilledRecord(key: string, requestId: string, body: string): string {
  return JSON.stringify({ key, requestId, body });
}

export function decodeSpilledRecord(json: string): SpilledRecord {
  const parsed = JSON.parse(json) as Partial<SpilledRecord>;
  if (typeof parsed.key !== 'string' || typeof parsed.requestId !== 'string' || typeof parsed.body !== 'string') {
    throw new Error(`spool line is not a spilled log record: ${json.slice(0, 200)}`);
  }
  return { key: parsed.key, requestId: parsed.requestId, body: parsed.body };
}
