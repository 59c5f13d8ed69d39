import { setTimeout as sleep } from 'node:timers/promises';
import { PreconditionFailedError, type ObjectStore } from '@hotdog-lab/label-store';
import type { Logger } from './logger.js';

export interface TransactionLogWriterOptions {
  /** Writes tried per record before it is given up and logged as lost. */
  maxAttempts?: number;
  /** First retry delay in milliseconds; it doubles per attempt, with full jitter. */
  baseDelayMs?: number;
  /** Upper bound of one retry delay in milliseconds. */
  maxDelayMs?: number;
  /** Uploads in flight at once. */
  concurrency?: number;
  /** Records held in memory; past this, new records are dropped and counted. */
  maxBacklog?: number;
}

/** Counters for tests, shutdown reports and metrics. */
export interface TransactionLogStats {
  written: number;
  retries: number;
  failed: number;
  dropped: number;
  pending: number;
}

interface PendingRecord {
  key: string;
  body: string;
  requestId: string;
}

const DEFAULTS: Required<TransactionLogWriterOptions> = {
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
 * Writes transaction log objects in the background, after the response has been sent.
 *
 * Each record is written once with `ifNoneMatch: '*'` under a key unique to its request, so a
 * retry after a lost response cannot create a second object: a precondition failure on a retry
 * means an earlier attempt already stored it.
 *
 * NOTE: records live only in memory until written; a crash or a backlog above `maxBacklog`
 * loses them. A disk spool would make them survive a restart.
 */
export class TransactionLogWriter {
  readonly #store: ObjectStore;
  readonly #logger: Logger;
  readonly #options: Required<TransactionLogWriterOptions>;
  readonly #queue: PendingRecord[] = [];
  readonly #idleWaiters = new Set<() => void>();
  #active = 0;
  #stats = { written: 0, retries: 0, failed: 0, dropped: 0 };

  constructor(store: ObjectStore, logger: Logger, options: TransactionLogWriterOptions = {}) {
    this.#store = store;
    this.#logger = logger;
    this.#options = { ...DEFAULTS, ...options };
  }

  /** Queues one log object; returns at once and never throws. */
  enqueue(key: string, body: string, requestId: string): void {
    if (this.pendingCount >= this.#options.maxBacklog) {
      this.#stats.dropped += 1;
      this.#logger.error(
        { requestId, key, backlog: this.pendingCount, maxBacklog: this.#options.maxBacklog },
        'transaction log dropped: backlog is full',
      );
      return;
    }

    this.#queue.push({ key, body, requestId });
    this.#pump();
  }

  /** Records queued or being written. */
  get pendingCount(): number {
    return this.#queue.length + this.#active;
  }

  get stats(): TransactionLogStats {
    return { ...this.#stats, pending: this.pendingCount };
  }

  /**
   * Waits until every queued record is written or given up, for at most `timeoutMs`.
   * Returns true when nothing is pending.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.pendingCount === 0) {
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
    return this.pendingCount === 0;
  }

  #pump(): void {
    while (this.#active < this.#options.concurrency && this.#queue.length > 0) {
      const record = this.#queue.shift()!;
      this.#active += 1;
      void this.#writeWithRetries(record).finally(() => {
        this.#active -= 1;
        this.#pump();
        this.#notifyIfIdle();
      });
    }
  }

  async #writeWithRetries(record: PendingRecord): Promise<void> {
    const { maxAttempts } = this.#options;

    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      try {
        await this.#store.put(record.key, record.body, {
          ifNoneMatch: '*',
          contentType: 'text/plain; charset=utf-8',
        });
        this.#stats.written += 1;
        return;
      } catch (error) {
        if (error instanceof PreconditionFailedError) {
          this.#handleExistingKey(record, attempt, error);
          return;
        }
        if (attempt === maxAttempts) {
          this.#stats.failed += 1;
          this.#logger.error(
            { err: error, requestId: record.requestId, key: record.key, attempts: attempt },
            'transaction log write failed; giving up',
          );
          return;
        }

        const delayMs = this.#retryDelay(attempt);
        this.#stats.retries += 1;
        this.#logger.warn(
          { err: error, requestId: record.requestId, key: record.key, attempt, delayMs },
          'transaction log write failed; retrying',
        );
        await sleep(delayMs);
      }
    }
  }

  #handleExistingKey(record: PendingRecord, attempt: number, error: PreconditionFailedError): void {
    if (attempt > 1) {
      // An earlier attempt stored the object but its response was lost.
      this.#stats.written += 1;
      return;
    }

    // Keys contain a fresh request id, so an existing key on the first attempt is another
    // writer's object. Keep it rather than overwrite it.
    this.#stats.failed += 1;
    this.#logger.error({ err: error, requestId: record.requestId, key: record.key }, 'transaction log key already exists; record not written');
  }

  /** Full-jitter exponential backoff: a random delay up to base * 2^(attempt-1), capped. */
  #retryDelay(attempt: number): number {
    const { baseDelayMs, maxDelayMs } = this.#options;
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return Math.round(Math.random() * ceiling);
  }

  #notifyIfIdle(): void {
    if (this.pendingCount !== 0) {
      return;
    }
    for (const resolve of this.#idleWaiters) {
      resolve();
    }
    this.#idleWaiters.clear();
  }
}
