/**
 * Stable reason codes for rejected label input. Callers (such as an HTTP worker mapping errors to
 * responses) branch on the code, because message wording may change.
 *
 * - `INVALID_ANNOTATOR`: the annotator name breaks a naming rule (see `validateAnnotator`).
 * - `INVALID_LABEL`: a label is not exactly the number 0 or 1.
 * - `INVALID_ANSWER_ID`: an answer id is not a UUID, or repeats within one request.
 * - `UNKNOWN_IMAGE`: an image is not a 64-character lowercase hex id, or no stored image has that id.
 * - `INVALID_ANSWERS`: the answer list is not an array, is empty or too long, or an entry is not an
 *   object with exactly the fields `answerId`, `image` and `label`.
 * - `ANSWER_ID_REUSED`: an answer id is already recorded with another image, label or annotator.
 */
export type LabelInputErrorCode =
  | 'INVALID_ANNOTATOR'
  | 'INVALID_LABEL'
  | 'INVALID_ANSWER_ID'
  | 'UNKNOWN_IMAGE'
  | 'INVALID_ANSWERS'
  | 'ANSWER_ID_REUSED';

/** Facts about the rejected input. Each field is set only where it applies. */
export interface LabelInputErrorDetails {
  /** The rejected value as received (cut to a bounded length for strings). */
  value?: unknown;
  /** 0-based position of the rejected answer in the request. */
  index?: number;
  /** The limit that the input broke, such as the maximum number of code points or answers. */
  limit?: number;
  /** The measured size that broke `limit`: code points of a name, or entries of a list. */
  actual?: number;
  /** For `ANSWER_ID_REUSED`: the answer already recorded under the id. */
  recorded?: { image: string; label: 0 | 1; annotator: string };
}

/**
 * Raised for label input that breaks a documented rule. `field` names the input as the request
 * spells it, such as `annotator`, `answers` or `answers[2].label`.
 */
export class LabelInputError extends Error {
  override readonly name = 'LabelInputError';
  readonly code: LabelInputErrorCode;
  readonly field: string;
  readonly details: LabelInputErrorDetails;

  constructor(code: LabelInputErrorCode, field: string, message: string, details: LabelInputErrorDetails = {}) {
    super(message);
    this.code = code;
    this.field = field;
    this.details = details;
  }
}
