/**
 * Reason codes of a failed append.
 *
 * - `LABEL_APPEND_CONFLICT`: every conditional write lost to another writer until the attempt
 *   or time limit ran out.
 * - `LABEL_STORAGE_FAILED`: the store kept failing for another reason. `cause` is the last error.
 */
export type LabelAppendErrorCode = 'LABEL_APPEND_CONFLICT' | 'LABEL_STORAGE_FAILED';

/** Facts about a failed append, kept as properties of LabelAppendError. */
export interface AppendFailureFacts {
  key: string;
  attempts: number;
  conflicts: number;
  elapsedMs: number;
}

/**
 * Raised when answers could not be added to the label file. Sending the same answers again with
 * the same answer ids is safe: a write that failed with a timeout may still have been stored,
 * and then the answers are found in the file and recorded once.
 */
export class LabelAppendError extends Error {
  override readonly name = 'LabelAppendError';
  readonly code: LabelAppendErrorCode;
  /** Key of the label file in its store. */
  readonly key: string;
  /** Write attempts made, including the first. */
  readonly attempts: number;
  /** Attempts that failed because another writer changed the file first. */
  readonly conflicts: number;
  /** Time from the first attempt to the failure, in milliseconds. */
  readonly elapsedMs: number;

  constructor(
    code: LabelAppendErrorCode,
    message: string,
    facts: AppendFailureFacts,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.key = facts.key;
    this.attempts = facts.attempts;
    this.conflicts = facts.conflicts;
    this.elapsedMs = facts.elapsedMs;
  }
}
