import { ApiError, postLabels, type Answer, type LabelResult } from './api.js';
import { newUuid } from './dom.js';
import { loadOutbox, saveOutbox, type PendingBatch } from './storage.js';

/**
 * Answers waiting for the worker. A finished session becomes one batch, stored in localStorage
 * before the first send and removed only when `POST /v1/labels` answers 200. Failed sends are
 * retried with backoff; the answer ids never change, so the worker records a resent answer once.
 */

/**
 * Waits before the 2nd, 3rd and 4th attempt, as the terminal client does; `Retry-After` may ask
 * for longer (up to 10 s).
 */
export const RETRY_DELAYS_MS = [500, 1_000, 2_000] as const;
const MAX_RETRY_AFTER_MS = 10_000;

export type OutboxEvent =
  | { kind: 'sending'; batch: PendingBatch; attempt: number; attempts: number }
  | { kind: 'retrying'; batch: PendingBatch; attempt: number; attempts: number; delayMs: number; error: ApiError }
  | { kind: 'sent'; batch: PendingBatch; result: LabelResult }
  | { kind: 'failed'; batch: PendingBatch; error: ApiError }
  | { kind: 'idle' };

type Listener = (event: OutboxEvent) => void;

const listeners = new Set<Listener>();
let flushing: Promise<void> | undefined;

export function onOutboxEvent(listener: Listener): void {
  listeners.add(listener);
}

function emit(event: OutboxEvent): void {
  for (const listener of listeners) {
    listener(event);
  }
}

export function pendingBatches(): PendingBatch[] {
  return loadOutbox();
}

export function isFlushing(): boolean {
  return flushing !== undefined;
}

/** Stores a finished session's answers; call `flush` to send them. */
export function addBatch(annotator: string, answers: Answer[]): PendingBatch {
  const batch: PendingBatch = { id: newUuid(), annotator, answers, createdAt: new Date().toISOString() };
  saveOutbox([...loadOutbox(), batch]);
  return batch;
}

/** Removes a batch that the worker rejected, at the annotator's explicit request. */
export function discardBatch(id: string): void {
  saveOutbox(loadOutbox().filter((batch) => batch.id !== id));
  emit({ kind: 'idle' });
}

/** Image ids that `annotator` answered in batches not yet acknowledged, to keep them out of the next sample. */
export function pendingImageIds(annotator: string): Set<string> {
  return new Set(
    loadOutbox()
      .filter((batch) => batch.annotator === annotator)
      .flatMap((batch) => batch.answers.map((answer) => answer.image)),
  );
}

/**
 * Sends every pending batch, oldest first. A batch that still fails after its retries stays
 * stored and stops the run when the failure is retryable (the worker is probably down); a batch
 * that the worker rejected (4xx) is marked and the next one is tried. Concurrent calls share one run.
 */
export function flush(): Promise<void> {
  flushing ??= run().finally(() => {
    flushing = undefined;
    emit({ kind: 'idle' });
  });
  return flushing;
}

async function run(): Promise<void> {
  const sentIds = new Set<string>();
  for (;;) {
    const batch = loadOutbox().find((candidate) => !sentIds.has(candidate.id));
    if (!batch) {
      return;
    }
    sentIds.add(batch.id);
    const outcome = await sendWithRetries(batch);
    if (outcome !== 'next') {
      // The worker is unreachable or failing: the later batches stay stored, reported with the same error.
      for (const later of loadOutbox().filter((candidate) => !sentIds.has(candidate.id))) {
        emit({ kind: 'failed', batch: later, error: outcome });
      }
      return;
    }
  }
}

/** Returns 'next' when the batch was sent or rejected for good, else the retryable error that stops the run. */
async function sendWithRetries(batch: PendingBatch): Promise<'next' | ApiError> {
  const attempts = RETRY_DELAYS_MS.length + 1;
  for (let attempt = 1; ; attempt += 1) {
    emit({ kind: 'sending', batch, attempt, attempts });
    try {
      const result = await postLabels(batch.annotator, batch.answers);
      saveOutbox(loadOutbox().filter((candidate) => candidate.id !== batch.id));
      emit({ kind: 'sent', batch, result });
      return 'next';
    } catch (caught) {
      const error = caught instanceof ApiError ? caught : new ApiError(0, 'CLIENT_ERROR', String(caught));
      const backoff = RETRY_DELAYS_MS[attempt - 1];
      if (!error.retryable || backoff === undefined) {
        const rejected = error.retryable ? undefined : { code: error.code, message: error.message };
        saveOutbox(loadOutbox().map((candidate) => (candidate.id === batch.id ? { ...candidate, rejected } : candidate)));
        emit({ kind: 'failed', batch: { ...batch, rejected }, error });
        return error.retryable ? error : 'next';
      }
      const delayMs = Math.min(MAX_RETRY_AFTER_MS, Math.max(backoff, error.retryAfterMs ?? 0));
      emit({ kind: 'retrying', batch, attempt, attempts, delayMs, error });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
