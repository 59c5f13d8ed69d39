import { CsvParseError } from './csv-parse-error.js';

/**
 * RFC 4180 CSV with one extra, reversible rule against formula injection.
 *
 * Writing: every cell that starts with `=`, `+`, `-`, `@`, a tab, a carriage return or `'` gets
 * one `'` prepended, so spreadsheet programs show it as text instead of running it. Then a cell
 * that contains a comma, a double quote, CR or LF is quoted, with quotes doubled. Records end
 * with CRLF.
 *
 * Reading: one leading `'` is removed from every cell. A cell written by `formatCsvRow` therefore
 * reads back exactly, including one that really starts with `'`, because that one was written
 * as `''`.
 */

/** The line end that `formatCsvRow` writes, as RFC 4180 requires. */
export const CSV_LINE_END = '\r\n';

/** First characters that get a `'` prepended on write: formula starts, tab and CR, and `'` itself so that the rule reverses. */
export const NEUTRALIZED_FIRST_CHARACTERS: readonly string[] = ['=', '+', '-', '@', '\t', '\r', "'"];

const NEEDS_QUOTES = /[",\r\n]/;

/** One parsed record with the 1-based line on which it starts. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export interface ParseCsvOptions {
  /** Line number of the first line of `text`, for parsing the tail of a longer file; defaults to 1. */
  firstLine?: number;
}

/** Prepends `'` to a cell that a spreadsheet would run as a formula, or that starts with `'`. */
export function neutralizeCell(value: string): string {
  return NEUTRALIZED_FIRST_CHARACTERS.includes(value.charAt(0)) ? `'${value}` : value;
}

/** Reverses `neutralizeCell` by removing one leading `'`. */
export function restoreCell(value: string): string {
  return value.startsWith("'") ? value.slice(1) : value;
}

/** Formats one record: each field neutralized, quoted where needed, joined by commas and ended with CRLF. */
export function formatCsvRow(fields: readonly string[]): string {
  return fields.map(formatCell).join(',') + CSV_LINE_END;
}

function formatCell(value: string): string {
  const cell = neutralizeCell(value);
  return NEEDS_QUOTES.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/**
 * Parses a whole CSV text into records, removing the neutralizing `'` from each cell.
 *
 * Strict RFC 4180, with two tolerances: the last record may lack its line break, and a record
 * may end with LF alone instead of CRLF. An empty text has no records; an empty line is a record
 * with one empty field. Inside quotes, CR and LF are kept as they are. Runs in O(length).
 *
 * @throws CsvParseError naming the line, for a quote inside an unquoted field, a character after
 *   a closing quote, a CR that is not followed by LF outside quotes, or a quoted field that is not closed.
 */
export function parseCsv(text: string, options: ParseCsvOptions = {}): CsvRecord[] {
  const records: CsvRecord[] = [];
  let line = options.firstLine ?? 1;
  let position = 0;

  while (position < text.length) {
    const record: CsvRecord = { line, fields: [] };
    records.push(record);

    // Each turn reads one field, then continues after a comma or ends the record at a line end.
    for (;;) {
      const field = text.charAt(position) === '"' ? readQuotedField(text, position, line) : readPlainField(text, position, line);
      record.fields.push(restoreCell(field.value));
      line = field.line;
      position = field.end;

      const next = text.charAt(position);
      if (next === ',') {
        position += 1;
        continue;
      }
      if (position >= text.length) break;
      if (next === '\n') {
        position += 1;
      } else if (next === '\r' && text.charAt(position + 1) === '\n') {
        position += 2;
      } else {
        // Only a quoted field can stop before a comma or line end: readPlainField consumes or rejects everything else.
        throw new CsvParseError(line, `unexpected ${describeCharacter(next)} after the closing quote of a field; quote the whole field`);
      }
      line += 1;
      break;
    }
  }
  return records;
}

interface FieldScan {
  value: string;
  /** Index just after the field. */
  end: number;
  /** Line on which the field ends. */
  line: number;
}

/** Reads an unquoted field up to the next comma, line end or end of text. */
function readPlainField(text: string, start: number, line: number): FieldScan {
  let position = start;
  while (position < text.length) {
    const character = text.charAt(position);
    if (character === ',' || character === '\n') break;
    if (character === '\r') {
      if (text.charAt(position + 1) === '\n') break;
      throw new CsvParseError(line, 'a carriage return (CR) outside quotes must be followed by a line feed (LF)');
    }
    if (character === '"') {
      throw new CsvParseError(line, 'a double quote inside an unquoted field; quote the field and double the quote ("")');
    }
    position += 1;
  }
  return { value: text.slice(start, position), end: position, line };
}

/** Reads a quoted field that starts at `start` (a double quote), with `""` meaning one quote. */
function readQuotedField(text: string, start: number, startLine: number): FieldScan {
  let value = '';
  let position = start + 1;
  let line = startLine;

  for (;;) {
    const quote = text.indexOf('"', position);
    if (quote === -1) {
      throw new CsvParseError(startLine, 'a quoted field is not closed; add the closing double quote');
    }

    const chunk = text.slice(position, quote);
    value += chunk;
    line += countLineFeeds(chunk);

    if (text.charAt(quote + 1) === '"') {
      value += '"';
      position = quote + 2;
      continue;
    }
    return { value, end: quote + 1, line };
  }
}

function countLineFeeds(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) count += 1;
  return count;
}

function describeCharacter(character: string): string {
  return character === '\r' ? 'carriage return (CR)' : JSON.stringify(character);
}
