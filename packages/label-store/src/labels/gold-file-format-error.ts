/**
 * Raised when the gold label file is not a CSV with the header `image,label` and rows of an
 * image id (64 lower-case hex digits) and 0 or 1, or when it gives one image two labels.
 */
export class GoldFileFormatError extends Error {
  override readonly name = 'GoldFileFormatError';
  readonly code = 'INVALID_GOLD_FILE';
  /** Key of the gold file in its store. */
  readonly key: string;
  /** 1-based line of the problem. */
  readonly line: number;

  constructor(key: string, line: number, reason: string, options?: { cause?: unknown }) {
    super(`gold label file ${key} is invalid at line ${line}: ${reason}; fix that line and upload the file again`, options);
    this.key = key;
    this.line = line;
  }
}
