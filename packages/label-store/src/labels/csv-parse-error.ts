/**
 * Raised by `parseCsv` for text that is not RFC 4180 CSV. `line` is the 1-based physical line
 * (counting line feeds) where the problem was found, so an editor can jump to it.
 */
export class CsvParseError extends Error {
  override readonly name = 'CsvParseError';
  readonly code = 'INVALID_CSV';
  readonly line: number;
  /** The rule that the text breaks, such as `a quoted field is not closed`. */
  readonly reason: string;

  constructor(line: number, reason: string) {
    super(`invalid CSV at line ${line}: ${reason}`);
    this.line = line;
    this.reason = reason;
  }
}
