import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError, InvalidKeyError, PreconditionFailedError, type ObjectStore } from '@hotdog-lab/label-store';
import type { Logger } from './logger.js';
import type { SpoolLine, SpoolPosition, TransactionSpool } from './spool/transaction-spool.js';
import { decodeSpooledTransaction, encodeSpooledTransaction, decodeSpilledRecord, encodeSpilledRecord } from './spool/spool-record.js';
import { formatTransactionLog, transactionLogKey, type StatsTransaction } from './transaction-log-record.js';

export interface TransactionLogWriterOptions {
  /**
   * Writes tried per record before it is given up and logged as lost. Used only without a
   * spool: with one, a record is retried until it is written or the worker stops, and then it
   * stays in the spool for the next start.
   */
  maxAttempts?: number;
  /** First retry delay in milliseconds; it doubles per attempt, with full jitter. */
  baseDelayMs?: number;
  /** Upper bound of one retry delay in milliseconds. */
  maxDelayMs?: number;
  /** Uploads in flight at once. */
  concurrency?: number;
  /**
   * Records held in memory. Past this, a record with a spool stays on disk only and is read back
   * when there is room (spilled). Without a spool it is dropped and counted.
   */
  maxBacklog?: number;
  /** Local disk spool; without it records live only in memory. */
  spool?: TransactionSpool;
}

/** Counters for tests, shutdown reports and metrics. */
export interface TransactionLogStats {
  written: number;
  retries: number;
  failed: number;
  dropped: number;
  /** Records queued in memory or being uploaded. */
  pending: number;
  /** Records that went to the spool only, because the queue in memory was full. */
  spilled: number;
  /** Records read back from an earlier process's spool at start. */
  recovered: number;
  /** Bytes of spool files on disk. */
  spoolBytes: number;
}

/** A record that was spooled when its response was ready; pass it to `submit` when the response ends. */
export interface TransactionTicket {
  key: string;
  position: SpoolPosition | undefined;
}

interface PendingRecord {
  key: string;
  body: string;
  requestId: string;
  /** Spool lines to mark done once the object is written. */
  spoolLines: SpoolPosition[];
  /** True for records from an earlier process, whose earlier upload may have succeeded. */
  recovered: boolean;
}

const DEFAULTS: Required<Omit<TransactionLogWriterOptions, 'spool'>> = {
  maxAttempts: 8,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
  // Enough parallel PutObjects to keep up with a few thousand requests per second on one
  // keep-alive connection pool, without opening a socket per request.
  concurrency: 16,
  // About 20 MB of records at the 1-2 KB a record takes.
  maxBacklog: 10_000,
};

/**
 * Writes one transaction log object per stats request to the store, after the response.
 *
 * With a spool, `spoolTransaction` appends the record to the local disk before the response is
 * sent, so a crash after the client got its response cannot lose it; `submit` then queues the finished
 * record for upload, or appends it to the spool again when the queue is full. Records left in the
 * spool by an earlier process are uploaded in the background after `start`.
 *
 * Each object is written with `ifNoneMatch: '*'` under a key unique to its request, so a retry
 * after a lost response, or a record uploaded again after a restart, cannot create a second
 * object: a precondition failure then means an earlier attempt already stored it.
 */
export class TransactionLogWriter {
  readonly #store: ObjectStore;
  readonly #logger: Logger;
  readonly #spool: TransactionSpool | undefined;
  readonly #options: Required<Omit<TransactionLogWriterOptions, 'spool'>>;
  readonly #queue: PendingRecord[] = [];
  readonly #idleWaiters = new Set<() => void>();
  readonly #roomWaiters = new Set<() => void>();
  readonly #stopping = new AbortController();
  #active = 0;
  /** Next spool position to read spilled records from; undefined when none are waiting on disk. */
  #spillCursor: SpoolPosition | undefined;
  #readingSpill = false;
  #recovering: Promise<void> | undefined;
  #stats = { written: 0, retries: 0, failed: 0, dropped: 0, spilled: 0, recovered: 0 };

  constructor(store: ObjectStore, logger: Logger, options: TransactionLogWriterOptions = {}) {
    this.#store = store;
    this.#logger = logger;
    this.#spool = options.spool;
    const { spool: _spool, ...rest } = options;
    this.#options = { ...DEFAULTS, ...rest };
  }

  /** Starts uploading the records that an earlier process left in the spool. */
  start(): void {
    if (!this.#spool || this.#recovering) return;
    this.#recovering = this.#recover()
      .catch((error: unknown) => {
        this.#logger.error({ err: error, spoolDir: this.#spool?.dir }, 'reading the transaction log spool failed; the rest is uploaded at the next start');
      })
      .finally(() => {
        this.#recovering = undefined;
        this.#notifyIfIdle();
      });
  }

  /**
   * Appends the record to the spool (when there is one) with a synchronous write. Call it when the
   * response is ready and before it is sent. Never throws for a spool failure: that is logged and
   * the record then lives in memory only.
   */
  spoolTransaction(transaction: StatsTransaction): TransactionTicket {
    const key = transactionLogKey(transaction);
    if (!this.#spool) return { key, position: undefined };

    try {
      return { key, position: this.#spool.append('R', encodeSpooledTransaction(key, transaction)) };
    } catch (error) {
      this.#logger.error({ err: error, requestId: transaction.requestId, key }, 'transaction log could not be spooled; it is kept in memory only');
      return { key, position: undefined };
    }
  }

  /** Queues the finished record of a spooled transaction for upload; returns at once and never throws. */
  submit(ticket: TransactionTicket, transaction: StatsTransaction): void {
    const body = formatTransactionLog(transaction);
    const spoolLines = ticket.position ? [ticket.position] : [];
    const record: PendingRecord = { key: ticket.key, body, requestId: transaction.requestId, spoolLines, recovered: false };

    const full = this.pendingCount >= this.#options.maxBacklog;
    if (this.#spool && ticket.position && (full || this.#spillCursor)) {
      this.#spill(record, ticket.position);
      return;
    }
    this.#push(record);
  }

  /** Queues one log object without a spool line; returns at once and never throws. */
  enqueue(key: string, body: string, requestId: string): void {
    this.#push({ key, body, requestId, spoolLines: [], recovered: false });
  }

  /** True when records are spooled to disk. */
  get hasSpool(): boolean {
    return this.#spool !== undefined;
  }

  /** Records queued in memory or being written. */
  get pendingCount(): number {
    return this.#queue.length + this.#active;
  }

  get stats(): TransactionLogStats {
    return { ...this.#stats, pending: this.pendingCount, spoolBytes: this.#spool?.sizeBytes ?? 0 };
  }

  /**
   * Waits until every queued, spilled and recovered record is written or given up, for at most
   * `timeoutMs`. Returns true when nothing is pending.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.#idle) {
      return true;
    }

    let resolveIdle!: () => void;
    const idle = new Promise<void>((resolve) => {
      resolveIdle = resolve;
    });
    this.#idleWaiters.add(resolveIdle);

    const timer = sleep(timeoutMs, undefined, { ref: false });
    await Promise.race([idle, timer]);
    this.#idleWaiters.delete(resolveIdle);
    return this.#idle;
  }

  /**
   * Stops retrying and closes the spool, whose unwritten records are uploaded at the next start.
   * Call after `drain`.
   */
  async close(): Promise<void> {
    this.#stopping.abort();
    for (const resolve of this.#roomWaiters) resolve();
    await this.#spool?.close();
  }

  get #idle(): boolean {
    return this.pendingCount === 0 && this.#spillCursor === undefined && !this.#readingSpill && this.#recovering === undefined;
  }

  #push(record: PendingRecord): void {
    if (this.pendingCount >= this.#options.maxBacklog && record.spoolLines.length === 0) {
      this.#stats.dropped += 1;
      this.#logger.error(
        { requestId: record.requestId, key: record.key, backlog: this.pendingCount, maxBacklog: this.#options.maxBacklog },
        'transaction log dropped: backlog is full',
      );
      return;
    }

    this.#queue.push(record);
    this.#pump();
  }

  /** Appends the finished record to the spool and drops it from memory; it is read back later. */
  #spill(record: PendingRecord, readyLine: SpoolPosition): void {
    const spool = this.#spool!;
    let position: SpoolPosition;
    try {
      position = spool.append('F', encodeSpilledRecord(record.key, record.requestId, record.body));
    } catch (error) {
      // The ready-time line is still in the spool and is uploaded at the next start.
      this.#logger.error({ err: error, requestId: record.requestId, key: record.key }, 'spilled transaction log could not be spooled; it is uploaded at the next start');
      return;
    }

    spool.markDone(readyLine);
    this.#stats.spilled += 1;
    this.#spillCursor ??= position;
  }

  #pump(): void {
    while (this.#active < this.#options.concurrency && this.#queue.length > 0 && !this.#stopping.signal.aborted) {
      const record = this.#queue.shift()!;
      this.#active += 1;
      void this.#writeWithRetries(record).finally(() => {
        this.#active -= 1;
        this.#pump();
        this.#readSpill();
        this.#notifyRoom();
        this.#notifyIfIdle();
      });
    }
  }

  /** Moves spilled records from the spool into the queue while there is room. */
  #readSpill(): void {
    if (this.#readingSpill || !this.#spillCursor || this.#stopping.signal.aborted) return;
    if (this.pendingCount >= this.#options.maxBacklog / 2) return;

    this.#readingSpill = true;
    void this.#readSpillChunk()
      .catch((error: unknown) => {
        this.#logger.error({ err: error, spoolDir: this.#spool?.dir }, 'reading spilled transaction logs failed; they are uploaded at the next start');
        this.#spillCursor = undefined;
      })
      .finally(() => {
        this.#readingSpill = false;
        if (this.#spillCursor) this.#readSpill();
        this.#notifyIfIdle();
      });
  }

  async #readSpillChunk(): Promise<void> {
    const spool = this.#spool!;
    const { lines, next } = await spool.readLines(this.#spillCursor!);
    for (const line of lines) {
      if (line.kind !== 'F') continue;
      const spilled = this.#decodeLine(line);
      if (spilled) this.#queue.push({ ...spilled, spoolLines: [line.position], recovered: false });
    }

    const head = spool.head;
    this.#spillCursor = next.segment === head.segment && next.offset >= head.offset ? undefined : next;
    this.#pump();
  }

  /** Uploads the records of the segments that earlier processes left, oldest first. */
  async #recover(): Promise<void> {
    const spool = this.#spool!;
    for (const segment of spool.oldSegments) {
      if (this.#stopping.signal.aborted) break;
      const contents = await spool.readSegment(segment);

      // A record may have a ready-time line and a spilled line; the spilled one is complete.
      const byKey = new Map<string, PendingRecord>();
      for (const line of contents.lines) {
        const record = this.#decodeLine(line);
        if (!record) continue;
        const existing = byKey.get(record.key);
        if (existing) {
          existing.spoolLines.push(line.position);
          if (line.kind === 'F') existing.body = record.body;
        } else {
          byKey.set(record.key, { ...record, spoolLines: [line.position], recovered: true });
        }
      }

      if (byKey.size > 0) {
        this.#logger.info({ segment, records: byKey.size }, 'uploading transaction logs left in the spool');
      }
      for (const record of byKey.values()) {
        await this.#waitForRoom();
        if (this.#stopping.signal.aborted) break;
        this.#stats.recovered += 1;
        this.#queue.push(record);
        this.#pump();
      }
    }
  }

  /** Decodes a spool line; an unreadable one is logged and marked done, so it is skipped from now on. */
  #decodeLine(line: SpoolLine): Omit<PendingRecord, 'spoolLines' | 'recovered'> | undefined {
    try {
      return line.kind === 'F' ? decodeSpilledRecord(line.json) : decodeReadyLine(line.json);
    } catch (error) {
      this.#logger.error({ err: error, segment: line.position.segment, offset: line.position.offset, spoolDir: this.#spool?.dir }, 'spool line is not a valid record; skipping it');
      this.#spool?.markDone(line.position);
      return undefined;
    }
  }

  async #waitForRoom(): Promise<void> {
    while (this.pendingCount >= this.#options.maxBacklog && !this.#stopping.signal.aborted) {
      await new Promise<void>((resolve) => this.#roomWaiters.add(resolve));
    }
  }

  async #writeWithRetries(record: PendingRecord): Promise<void> {
    const retryForever = this.#spool !== undefined;
    const { maxAttempts } = this.#options;

    for (let attempt = 1; retryForever || attempt <= maxAttempts; attempt += 1) {
      try {
        await this.#store.put(record.key, record.body, {
          ifNoneMatch: '*',
          contentType: 'text/plain; charset=utf-8',
        });
        this.#finish(record, 'written');
        return;
      } catch (error) {
        if (error instanceof PreconditionFailedError) {
          this.#handleExistingKey(record, attempt, error);
          return;
        }
        if (error instanceof InvalidKeyError || error instanceof InvalidArgumentError) {
          // Retrying cannot fix these; the record stays in the spool for a fixed worker.
          this.#stats.failed += 1;
          this.#logger.error({ err: error, requestId: record.requestId, key: record.key }, 'transaction log write rejected by the store; giving up');
          return;
        }
        if (!retryForever && attempt === maxAttempts) {
          this.#stats.failed += 1;
          this.#logger.error(
            { err: error, requestId: record.requestId, key: record.key, attempts: attempt },
            'transaction log write failed; giving up',
          );
          return;
        }
        if (this.#stopping.signal.aborted) {
          this.#logger.warn({ requestId: record.requestId, key: record.key, attempts: attempt }, 'transaction log write stopped by shutdown; it stays in the spool');
          return;
        }

        const delayMs = this.#retryDelay(attempt);
        this.#stats.retries += 1;
        this.#logger.warn(
          { err: error, requestId: record.requestId, key: record.key, attempt, delayMs },
          'transaction log write failed; retrying',
        );
        await sleep(delayMs, undefined, { signal: this.#stopping.signal }).catch(() => undefined);
      }
    }
  }

  #handleExistingKey(record: PendingRecord, attempt: number, error: PreconditionFailedError): void {
    if (attempt > 1 || record.recovered) {
      // An earlier attempt, maybe by an earlier process, stored the object but its response was lost.
      this.#finish(record, 'written');
      return;
    }

    // Keys contain a fresh request id, so an existing key on the first attempt is another
    // writer's object. Keep it rather than overwrite it.
    this.#stats.failed += 1;
    this.#finish(record, 'failed');
    this.#logger.error({ err: error, requestId: record.requestId, key: record.key }, 'transaction log key already exists; record not written');
  }

  #finish(record: PendingRecord, outcome: 'written' | 'failed'): void {
    if (outcome === 'written') this.#stats.written += 1;
    for (const position of record.spoolLines) {
      this.#spool?.markDone(position);
    }
  }

  /** Full-jitter exponential backoff: a random delay up to base * 2^(attempt-1), capped. */
  #retryDelay(attempt: number): number {
    const { baseDelayMs, maxDelayMs } = this.#options;
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(attempt - 1, 30));
    return Math.round(Math.random() * ceiling);
  }

  #notifyRoom(): void {
    if (this.pendingCount >= this.#options.maxBacklog) return;
    for (const resolve of this.#roomWaiters) resolve();
    this.#roomWaiters.clear();
  }

  #notifyIfIdle(): void {
    if (!this.#idle) {
      return;
    }
    for (const resolve of this.#idleWaiters) {
      resolve();
    }
    this.#idleWaiters.clear();
  }
}

function decodeReadyLine(json: string): Omit<PendingRecord, 'spoolLines' | 'recovered'> {
  const { key, transaction } = decodeSpooledTransaction(json);
  return { key, requestId: transaction.requestId, body: formatTransactionLog(transaction) };
}
