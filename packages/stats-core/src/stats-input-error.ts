/**
 * Stable reason codes for rejected input. Callers branch on the code, because message wording may change.
 *
 * - `NOT_A_LIST`: the input is not an array (or, for `summarize`, not an array or typed array).
 * - `EMPTY_LIST`: the list or the text contains no numbers.
 * - `TOO_MANY_NUMBERS`: the list or the text contains more than the allowed count.
 * - `NOT_AN_INTEGER`: a value is not an integer: a fraction, NaN, ±Infinity, or not a number at all.
 * - `NOT_POSITIVE`: an integer is 0, -0 or negative where only positive integers are allowed.
 * - `UNSAFE_INTEGER`: an integer is beyond ±Number.MAX_SAFE_INTEGER, so it may not be exact as a double.
 * - `INVALID_ENTRY`: a text entry is empty or is not written with the ASCII digits 0-9 only (`parseNumbers`).
 */
export type StatsInputErrorCode =
  | 'NOT_A_LIST'
  | 'EMPTY_LIST'
  | 'TOO_MANY_NUMBERS'
  | 'NOT_AN_INTEGER'
  | 'NOT_POSITIVE'
  | 'UNSAFE_INTEGER'
  | 'INVALID_ENTRY';

/** Facts about the rejected input. Each field is set only where it applies. */
export interface StatsInputErrorDetails {
  /** 0-based position of the rejected element or text entry. */
  index?: number;
  /**
   * Rejected JavaScript value (`validateNumbers`, `summarize`), or the received count for `TOO_MANY_NUMBERS`.
   * `parseNumbers` sets `entry` instead for entry errors.
   */
  value?: unknown;
  /** Limit that the input broke: the maximum count, or Number.MAX_SAFE_INTEGER. */
  limit?: number;
  /** Rejected text entry after trimming (`parseNumbers` only). */
  entry?: string;
}

/** Error thrown by stats-core for input that breaks a documented rule. */
export class StatsInputError extends Error {
  override readonly name = 'StatsInputError';
  readonly code: StatsInputErrorCode;
  readonly details: StatsInputErrorDetails;

  constructor(code: StatsInputErrorCode, message: string, details: StatsInputErrorDetails = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}
