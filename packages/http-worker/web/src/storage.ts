import type { Answer } from './api.js';

/**
 * What the page keeps in localStorage: the annotator's name and the answers not yet acknowledged
 * by the worker. A browser that refuses storage (private mode, full quota) still works: the
 * values then live in memory for this page only, and `persisted` says so.
 */

const NAME_KEY = 'hotdog-lab.annotator';
const OUTBOX_KEY = 'hotdog-lab.outbox.v1';

/** One finished session's answers, kept until `POST /v1/labels` acknowledges them. */
export interface PendingBatch {
  id: string;
  annotator: string;
  answers: Answer[];
  createdAt: string;
  /** Set when the worker rejected the batch with a 4xx that a resend will not fix. */
  rejected?: { code: string; message: string };
}

let memoryName = '';
let memoryOutbox: PendingBatch[] | undefined;
/** False once a write to localStorage failed; the page then warns that answers live in memory only. */
export let persisted = true;

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
    persisted = true;
  } catch {
    persisted = false;
  }
}

export function loadName(): string {
  return read(NAME_KEY) ?? memoryName;
}

export function saveName(name: string): void {
  memoryName = name;
  write(NAME_KEY, name);
}

function isAnswer(value: unknown): value is Answer {
  const answer = value as Answer;
  return (
    typeof answer === 'object' &&
    answer !== null &&
    typeof answer.image === 'string' &&
    (answer.label === 0 || answer.label === 1) &&
    typeof answer.answerId === 'string'
  );
}

function isBatch(value: unknown): value is PendingBatch {
  const batch = value as PendingBatch;
  return (
    typeof batch === 'object' &&
    batch !== null &&
    typeof batch.id === 'string' &&
    typeof batch.annotator === 'string' &&
    typeof batch.createdAt === 'string' &&
    Array.isArray(batch.answers) &&
    batch.answers.every(isAnswer)
  );
}

export function loadOutbox(): PendingBatch[] {
  const text = read(OUTBOX_KEY);
  if (text !== null) {
    try {
      const value: unknown = JSON.parse(text);
      if (Array.isArray(value)) {
        memoryOutbox = value.filter(isBatch);
      }
    } catch {
      // A corrupt entry is left in place for inspection; memory keeps what this page knows.
    }
  }
  return (memoryOutbox ?? []).map((batch) => ({ ...batch, answers: [...batch.answers] }));
}

export function saveOutbox(batches: readonly PendingBatch[]): void {
  memoryOutbox = batches.map((batch) => ({ ...batch }));
  if (batches.length === 0) {
    try {
      window.localStorage.removeItem(OUTBOX_KEY);
    } catch {
      // Nothing stored, nothing to remove.
    }
    return;
  }
  write(OUTBOX_KEY, JSON.stringify(batches));
}
