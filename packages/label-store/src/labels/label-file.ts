import { setTimeout as sleep } from 'node:timers/promises';

import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { InvalidKeyError } from '../errors/invalid-key-error.js';
import { PreconditionFailedError } from '../errors/precondition-failed-error.js';
import { etagsEqual } from '../etag.js';
import { assertValidKey } from '../object-key.js';
import type { ObjectStore } from '../object-store.js';
import { type AppendResult, type PendingAppend, planBatch, takeBatch } from './append-batch.js';
import { backoffDelayMs, MAX_STORAGE_FAILURES, resolveRetryPolicy, type RetryPolicy } from './append-retry.js';
import { validateAnnotator } from './annotator.js';
import { type NewAnswer, validateAnswers } from './answers.js';
import { formatLabeledAt, formatLabelRow, LABEL_CSV_HEADER, type LabelAnswer } from './label-csv.js';
import { type AppendFailureFacts, LabelAppendError } from './label-append-error.js';
import { LabelFileFormatError } from './label-file-format-error.js';
import { decodeLabelFile } from './label-file-text.js';
import { type LabelSnapshot, MISSING_FILE_SNAPSHOT, parseLabelSnapshot } from './label-snapshot.js';

/** Key of the label file in its store, under the store's own prefix if it has one. */
export const DEFAULT_LABEL_KEY = 'labels/labels.csv';

/**
 * Maximum answers in one write, about 0.8 MB of rows. It bounds the rows that wait on one slow
 * write, and keeps a single write small next to the whole file that each write uploads.
 */
export const MAX_BATCH_ANSWERS = 5_000;

/** Content type of the label file; UTF-8 is stated so that browsers and spreadsheets do not guess. */
export const LABEL_FILE_CONTENT_TYPE = 'text/csv; charset=utf-8';

export interface LabelFileOptions {
  /** Key of the label file, `labels/labels.csv` by default. */
  key?: string;
  /** Write attempts per batch, including the first; defaults to DEFAULT_MAX_ATTEMPTS (16). */
  maxAttempts?: number;
  /** Time after which a batch stops retrying, in milliseconds; defaults to DEFAULT_MAX_DURATION_MS (30 s). */
  maxDurationMs?: number;
  /** Backoff cap after the first failed attempt, doubled per attempt, in milliseconds; defaults to 20. */
  baseDelayMs?: number;
  /** Largest backoff cap, in milliseconds; defaults to 1000. */
  maxDelayMs?: number;
  /** Source of the backoff jitter, returning a number in [0, 1); defaults to Math.random. */
  random?: () => number;
  /** Clock for the `labeled_at` column; defaults to the system clock. */
  now?: () => Date;
  /**
   * Called before each retry, such as to log it. It must not throw: an error from it fails the
   * batch that was retrying.
   */
  onRetry?: (info: AppendRetryInfo) => void;
}

/** Facts about a failed write attempt, passed to `onRetry`. */
export interface AppendRetryInfo {
  key: string;
  /** The attempt that failed, 1-based. */
  attempt: number;
  /** `conflict` when another writer changed the file first, `storage` for any other store error. */
  reason: 'conflict' | 'storage';
  error: unknown;
  /** Wait before the next attempt, in milliseconds. */
  delayMs: number;
  /** Time since the batch's first attempt, in milliseconds. */
  elapsedMs: number;
  /** Append calls in the batch. */
  calls: number;
}

/** Counters since the LabelFile was created, for metrics and benchmarks. */
export interface LabelFileStats {
  /** Calls of `append`, including rejected ones. */
  appendCalls: number;
  /** Successful writes of the file. */
  writes: number;
  /** Rows added by those writes. */
  rowsWritten: number;
  /** Answers not written because their answer id was already recorded with the same data. */
  duplicates: number;
  /** Write attempts that failed because another writer changed the file first. */
  conflicts: number;
  /** Attempts after a failed one, whatever the reason. */
  retries: number;
  /** Append calls that failed because their write failed for good. */
  failures: number;
}

/**
 * The shared label file: one CSV object that every process appends answers to.
 *
 * Object stores have no append, so an append reads the file with its ETag, adds rows and writes
 * the whole file back with `ifMatch` (or `ifNoneMatch: '*'` for a new file). When another writer
 * changed the file in between, the put fails with a precondition error, and the append reads
 * again and retries with jittered exponential backoff, within `maxAttempts` and `maxDurationMs`.
 *
 * Appends from one process are batched (group commit): while a write is in flight, new calls
 * wait, and the next write takes all of them, up to MAX_BATCH_ANSWERS answers. Each call settles
 * when the write holding its rows has succeeded or failed for good.
 *
 * The parsed file is cached by ETag, so a read or append parses only what changed.
 */
export class LabelFile {
  readonly store: ObjectStore;
  readonly key: string;
  readonly #policy: RetryPolicy;
  readonly #now: () => Date;
  readonly #onRetry: ((info: AppendRetryInfo) => void) | undefined;
  readonly #queue: PendingAppend[] = [];
  #draining = false;
  #snapshot: LabelSnapshot | undefined;
  readonly #stats: LabelFileStats = {
    appendCalls: 0,
    writes: 0,
    rowsWritten: 0,
    duplicates: 0,
    conflicts: 0,
    retries: 0,
    failures: 0,
  };

  /**
   * @throws InvalidKeyError for an invalid `key`.
   * @throws InvalidArgumentError for a retry bound that is not a non-negative integer, or a hook that is not a function.
   */
  constructor(store: ObjectStore, options: LabelFileOptions = {}) {
    this.store = store;
    this.key = options.key ?? DEFAULT_LABEL_KEY;
    assertValidKey(this.key);
    this.#policy = resolveRetryPolicy(options);
    this.#now = options.now ?? (() => new Date());
    this.#onRetry = options.onRetry;
    if (typeof this.#now !== 'function') throw new InvalidArgumentError('now', 'now must be a function returning a Date');
    if (this.#onRetry !== undefined && typeof this.#onRetry !== 'function') {
      throw new InvalidArgumentError('onRetry', 'onRetry must be a function');
    }
  }

  /** A copy of the counters. */
  get stats(): LabelFileStats {
    return { ...this.#stats };
  }

  /**
   * Appends one annotator's answers, each as a row with the current time. Answers whose id is
   * already in the file with the same data are skipped and counted as duplicates.
   *
   * @throws LabelInputError for an invalid annotator or answers (checked as `validateAnnotator`
   *   and `validateAnswers` do, with up to MAX_BATCH_ANSWERS answers), or `ANSWER_ID_REUSED` when an
   *   answer id is recorded with other data. Nothing of such a call is written.
   * @throws LabelAppendError when the write fails for good: `LABEL_APPEND_CONFLICT` after the
   *   retry bounds, `LABEL_STORAGE_FAILED` after repeated store errors.
   * @throws LabelFileFormatError when the stored file is malformed.
   */
  async append(annotator: string, answers: readonly NewAnswer[]): Promise<AppendResult> {
    this.#stats.appendCalls += 1;
    const name = validateAnnotator(annotator);
    const checked = validateAnswers(answers, { maxAnswers: MAX_BATCH_ANSWERS });
    const labeledAt = formatLabeledAt(this.#now());

    return new Promise<AppendResult>((resolve, reject) => {
      this.#queue.push({ annotator: name, answers: checked, labeledAt, resolve, reject });
      this.#startDraining();
    });
  }

  /**
   * Reads all answers in file order. A cached copy is used while `head` shows the same ETag.
   *
   * @throws LabelFileFormatError when the stored file is malformed.
   * @throws StorageError when the store fails.
   */
  async readAnswers(): Promise<LabelAnswer[]> {
    const snapshot = await this.#load(false);
    return [...snapshot.answers];
  }

  /**
   * Reads all answers with the ETag of the file version they come from (`undefined` while the
   * file does not exist), so a caller can cache what it derives from them. The answers are the
   * cached frozen rows, not a copy. Checks the store as `readAnswers` does.
   *
   * @throws LabelFileFormatError when the stored file is malformed.
   * @throws StorageError when the store fails.
   */
  async readVersion(): Promise<{ etag: string | undefined; answers: readonly LabelAnswer[] }> {
    const snapshot = await this.#load(false);
    return { etag: snapshot.etag, answers: snapshot.answers };
  }

  #startDraining(): void {
    if (this.#draining) return;
    this.#draining = true;
    // Start after pending I/O callbacks and promise jobs, so that calls made in the same turn
    // (such as several requests arriving together) join the first batch.
    setImmediate(() => void this.#drain());
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = takeBatch(this.#queue, MAX_BATCH_ANSWERS);
        try {
          await this.#commit(batch);
        } catch (error) {
          // Only an unexpected error (such as one thrown by onRetry) gets here; no call may hang.
          this.#fail(batch, error);
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  /** Writes one batch, retrying within the policy's bounds, and settles every call in it. */
  async #commit(batch: PendingAppend[]): Promise<void> {
    const startedAt = performance.now();
    let conflicts = 0;
    let storageFailures = 0;
    let stale = false;

    for (let attempt = 1; ; attempt++) {
      try {
        await this.#writeOnce(batch, stale);
        return;
      } catch (error) {
        if (!isRetryable(error)) {
          this.#fail(batch, error);
          return;
        }

        const reason = error instanceof PreconditionFailedError ? 'conflict' : 'storage';
        if (reason === 'conflict') {
          conflicts += 1;
          this.#stats.conflicts += 1;
        } else {
          storageFailures += 1;
        }
        // After a conflict the cached ETag is known to be old, and after a store error the write
        // may or may not have been stored, so the next attempt reads the file in both cases.
        stale = true;

        const delayMs = backoffDelayMs(this.#policy, attempt);
        const elapsedMs = performance.now() - startedAt;
        const exhausted =
          attempt >= this.#policy.maxAttempts ||
          storageFailures >= MAX_STORAGE_FAILURES ||
          elapsedMs + delayMs > this.#policy.maxDurationMs;
        if (exhausted) {
          const facts = { key: this.key, attempts: attempt, conflicts, elapsedMs: Math.round(elapsedMs) };
          this.#fail(batch, reason === 'conflict' ? this.#conflictError(facts, error) : this.#storageError(facts, error));
          return;
        }

        this.#onRetry?.({ key: this.key, attempt, reason, error, delayMs, elapsedMs, calls: batch.length });
        this.#stats.retries += 1;
        await sleep(delayMs);
      }
    }
  }

  /** One read-and-write round. Settles the batch's calls on success; throws on any failure. */
  async #writeOnce(batch: PendingAppend[], stale: boolean): Promise<void> {
    const snapshot = await this.#load(stale);
    const plan = planBatch(snapshot.byId, batch);

    if (plan.rows.length > 0) {
      const text = appendableText(snapshot) + plan.rows.map(formatLabelRow).join('');
      const precondition = snapshot.etag === undefined ? { ifNoneMatch: '*' as const } : { ifMatch: snapshot.etag };
      const { etag } = await this.store.put(this.key, text, { ...precondition, contentType: LABEL_FILE_CONTENT_TYPE });

      this.#stats.writes += 1;
      this.#stats.rowsWritten += plan.rows.length;
      // Parsing the text just written costs time for the new rows only, and checks them.
      this.#snapshot = parseLabelSnapshot(this.key, etag, text, snapshot);
    }

    for (const { call, result } of plan.accepted) {
      this.#stats.duplicates += result.duplicates;
      call.resolve(result);
    }
    for (const { call, error } of plan.rejected) call.reject(error);
  }

  /**
   * Returns the current snapshot. With a cached one and `stale` unset, a `head` decides whether
   * the file changed; otherwise, or when it changed, the file is read with `get`.
   */
  async #load(stale: boolean): Promise<LabelSnapshot> {
    const cached = this.#snapshot;
    if (cached !== undefined && !stale) {
      const info = await this.store.head(this.key);
      if (info === undefined && cached.etag === undefined) return cached;
      if (info !== undefined && cached.etag !== undefined && etagsEqual(info.etag, cached.etag)) return cached;
    }

    const object = await this.store.get(this.key);
    const snapshot =
      object === undefined
        ? MISSING_FILE_SNAPSHOT
        : parseLabelSnapshot(this.key, object.etag, decodeLabelFile(object.body, this.key), cached);
    this.#snapshot = snapshot;
    return snapshot;
  }

  #fail(batch: readonly PendingAppend[], error: unknown): void {
    this.#stats.failures += batch.length;
    for (const call of batch) call.reject(error);
  }

  #conflictError(facts: AppendFailureFacts, cause: unknown): LabelAppendError {
    return new LabelAppendError(
      'LABEL_APPEND_CONFLICT',
      `label file append failed after ${facts.conflicts} conflicting writes on ${this.key} in ${this.store.description} ` +
        `(${facts.elapsedMs} ms; limits ${this.#policy.maxAttempts} attempts, ${this.#policy.maxDurationMs} ms); ` +
        'another writer kept changing it, so retry later, or raise maxAttempts and maxDurationMs if many processes write',
      facts,
      { cause },
    );
  }

  #storageError(facts: AppendFailureFacts, cause: unknown): LabelAppendError {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return new LabelAppendError(
      'LABEL_STORAGE_FAILED',
      `label file append failed on ${this.key} in ${this.store.description} after ${facts.attempts} attempts ` +
        `(${facts.elapsedMs} ms): ${detail}; check that the store is reachable and writable, then retry`,
      facts,
      { cause },
    );
  }
}

/**
 * Returns the text that new rows are appended to: the header for a missing or empty file, and an
 * existing file with a line break added when its last line lacks one.
 */
function appendableText(snapshot: LabelSnapshot): string {
  if (snapshot.text === '') return LABEL_CSV_HEADER;
  return snapshot.text.endsWith('\n') ? snapshot.text : `${snapshot.text}\r\n`;
}

/**
 * Returns whether another attempt may succeed. A malformed file and an invalid key or option stay
 * the same however often the write is tried. Any other error counts as a storage failure, because
 * a custom ObjectStore may report a network failure with any error type.
 */
function isRetryable(error: unknown): boolean {
  return !(
    error instanceof LabelFileFormatError ||
    error instanceof InvalidKeyError ||
    error instanceof InvalidArgumentError
  );
}
