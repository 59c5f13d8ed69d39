import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { CsvParseError } from '../../src/labels/csv-parse-error.js';
import { formatCsvRow, neutralizeCell, parseCsv, restoreCell } from '../../src/labels/csv.js';

const fieldsOf = (text: string) => parseCsv(text).map((record) => record.fields);

/** Characters that the CSV rules treat specially, mixed into random strings far more often than chance would. */
const SPECIAL = [',', '"', '\r', '\n', '\r\n', '=', '+', '-', '@', '\t', "'", ' ', '\u0000', '\u2028'];
const cellText = fc.string({
  unit: fc.oneof(
    fc.constantFrom(...SPECIAL),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    // Lone surrogates: JavaScript strings may hold them, and CSV must not change them.
    fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)),
  ),
  maxLength: 20,
});
const row = fc.array(cellText, { minLength: 1, maxLength: 6 });

describe('formatCsvRow', () => {
  it.each([
    ['plain', ['a', 'b'], 'a,b\r\n'],
    ['empty fields', ['', ''], ',\r\n'],
    ['one empty field', [''], '\r\n'],
    ['comma', ['a,b'], '"a,b"\r\n'],
    ['double quote', ['say "hi"'], '"say ""hi"""\r\n'],
    ['line feed', ['a\nb'], '"a\nb"\r\n'],
    ['carriage return inside', ['a\rb'], '"a\rb"\r\n'],
    ['CRLF inside', ['a\r\nb'], '"a\r\nb"\r\n'],
    ['unicode', ['名前', 'José', '🌭'], '名前,José,🌭\r\n'],
    ['space kept', [' a '], ' a \r\n'],
  ])('quotes %s', (_case, fields, expected) => {
    expect(formatCsvRow(fields)).toBe(expected);
  });

  it.each([
    ['equals', '=SUM(A1)', "'=SUM(A1)"],
    ['plus', '+1', "'+1"],
    ['minus', '-1', "'-1"],
    ['at', '@cmd', "'@cmd"],
    ['tab', '\tx', "'\tx"],
    ['apostrophe', "'quoted", "''quoted"],
    ['equals inside', 'a=b', 'a=b'],
    ['empty', '', ''],
  ])('neutralizes leading %s', (_case, value, expected) => {
    expect(neutralizeCell(value)).toBe(expected);
    expect(restoreCell(neutralizeCell(value))).toBe(value);
  });

  it('neutralizes then quotes', () => {
    expect(formatCsvRow(['=HYPERLINK("x"),1'])).toBe(`"'=HYPERLINK(""x""),1"\r\n`);
    expect(formatCsvRow(['\rx'])).toBe(`"'\rx"\r\n`);
  });
});

describe('parseCsv', () => {
  it.each([
    ['empty text', '', []],
    ['missing final line break', 'a,b\r\nc,d', [['a', 'b'], ['c', 'd']]],
    ['LF line ends', 'a,b\nc,d\n', [['a', 'b'], ['c', 'd']]],
    ['mixed line ends', 'a\r\nb\nc\r\n', [['a'], ['b'], ['c']]],
    ['empty line', 'a\r\n\r\nb\r\n', [['a'], [''], ['b']]],
    ['trailing comma', 'a,\r\n', [['a', '']]],
    ['quoted comma and quotes', '"a,""b"""\r\n', [['a,"b"']]],
    ['quoted line breaks kept', '"a\nb\r\nc"\r\n', [['a\nb\r\nc']]],
    ['empty quoted field', '"",x\r\n', [['', 'x']]],
    ['restores apostrophe', "'=1,''x,'\r\n", [['=1', "'x", '']]],
  ])('parses %s', (_case, text, expected) => {
    expect(fieldsOf(text)).toEqual(expected);
  });

  it('reports record lines', () => {
    const records = parseCsv('a\r\n"b\nc"\r\nd\r\n', { firstLine: 10 });
    expect(records.map((record) => record.line)).toEqual([10, 11, 13]);
  });

  it.each([
    ['quote in unquoted field', 'a,b"c\r\n', 1, 'double quote inside an unquoted field'],
    ['text after closing quote', 'x\r\n"a"b,c\r\n', 2, 'after the closing quote'],
    ['unclosed quote', 'x\r\ny\r\n"abc\r\n', 3, 'not closed'],
    ['bare CR', 'a\rb\r\n', 1, 'carriage return'],
    ['bare CR after quote', '"a"\rb\r\n', 1, 'carriage return'],
    ['error after quoted line breaks', '"a\nb"\r\nc"d\r\n', 3, 'double quote'],
  ])('rejects %s with its line', (_case, text, line, reason) => {
    let caught: unknown;
    try {
      parseCsv(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CsvParseError);
    expect(caught).toMatchObject({ code: 'INVALID_CSV', line });
    expect((caught as CsvParseError).message).toContain(`line ${line}`);
    expect((caught as CsvParseError).reason).toContain(reason);
  });

  it('round trips any rows', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 8 }), (rows) => {
        const text = rows.map(formatCsvRow).join('');
        expect(fieldsOf(text)).toEqual(rows);
      }),
      { numRuns: 500 },
    );
  });

  it('round trips without final line break', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 5 }), (rows) => {
        const text = rows.map(formatCsvRow).join('').slice(0, -2);
        // A last row of one empty field is an empty last line, which has nothing left to parse.
        const expected = rows.at(-1)?.join('') === '' && rows.at(-1)?.length === 1 ? rows.slice(0, -1) : rows;
        expect(fieldsOf(text)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('appended rows keep earlier rows', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 5 }), fc.array(row, { maxLength: 5 }), (earlier, appended) => {
        const before = earlier.map(formatCsvRow).join('');
        const after = before + appended.map(formatCsvRow).join('');

        const parsed = parseCsv(after);
        expect(parsed.slice(0, earlier.length)).toEqual(parseCsv(before));
        // Parsing only the appended text, from the next line on, gives the same records as parsing the whole.
        const nextLine = 1 + (before.match(/\n/g)?.length ?? 0);
        expect(parseCsv(after.slice(before.length), { firstLine: nextLine })).toEqual(parsed.slice(earlier.length));
      }),
      { numRuns: 300 },
    );
  });

  it('written cells never start a formula', () => {
    fc.assert(
      fc.property(row, (fields) => {
        for (const cell of splitAtTopLevelCommas(formatCsvRow(fields).slice(0, -2))) {
          // A spreadsheet reads a quoted cell from the character after the opening quote.
          const content = cell.startsWith('"') ? cell.slice(1) : cell;
          expect(['=', '+', '-', '@', '\t', '\r']).not.toContain(content.charAt(0));
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** Splits one formatted record at the commas outside quotes, keeping the quotes. */
function splitAtTopLevelCommas(text: string): string[] {
  const cells: string[] = [];
  let current = '';
  let quoted = false;
  for (const character of text) {
    if (character === '"') quoted = !quoted;
    if (character === ',' && !quoted) {
      cells.push(current);
      current = '';
    } else {
      current += character;
    }
  }
  cells.push(current);
  return cells;
}
