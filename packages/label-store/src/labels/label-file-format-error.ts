/**
 * Raised when the stored label file is not a valid label CSV: a CSV syntax error, a wrong
 * header, a row with a wrong field count or value, a repeated answer id, or bytes that are not
 * UTF-8. Appends and reads stop until the line is fixed, because the file is the only record of
 * the answers and guessing could lose or double some.
 */
export class LabelFileFormatError extends Error {
  override readonly name = 'LabelFileFormatError';
  readonly code = 'INVALID_LABEL_FILE';
  /** Key of the label file in its store. */
  readonly key: string;
  /** 1-based line of the problem. */
  readonly line: number;
  /** The rule that the line breaks. */
  readonly reason: string;

  constructor(key: string, line: number, reason: string, options?: { cause?: unknown }) {
    super(
      `label file ${key} is invalid at line ${line}: ${reason}; correct that line by hand ` +
        '(keep a copy first, because the file is the only record of the answers) and retry',
      options,
    );
    this.key = key;
    this.line = line;
    this.reason = reason;
  }
}
