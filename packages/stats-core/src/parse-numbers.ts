import { describeValue, quoteText } from './_describe-value.js';
import { resolveMaxCount } from './_resolve-max-count.js';
import { StatsInputError } from './stats-input-error.js';
import type { ValidateOptions } from './validate-numbers.js';

/** Number.MAX_SAFE_INTEGER as decimal digits, so that longer entries are compared as text, never as rounded numbers. */
const MAX_SAFE_DIGITS = String(Number.MAX_SAFE_INTEGER);

const ASCII_DIGITS = /^[0-9]+$/;
const LEADING_ZEROS = /^0+/;

/** The same characters that String.prototype.trim removes: Unicode White_Space, line terminators and BOM. */
const WHITESPACE_RUN = /\s+/;

/**
 * Parses typed text such as `"3, 1 4,1  5"` into a fresh array of positive safe integers.
 *
 * Entries are separated by a comma, by whitespace, or by both. Whitespace is allowed anywhere
 * around entries, but a comma needs an entry on each side, so `"1,,2"`, `",1"` and `"1,2,"` are
 * rejected. Each entry must consist of ASCII digits 0-9 only: signs, decimal points, exponents,
 * `0x` prefixes, `_` separators and non-ASCII digits are rejected. Leading zeros are read as
 * decimal, so `"007"` is 7. The value must be from 1 to Number.MAX_SAFE_INTEGER, compared as
 * digit text so that large entries never round. The returned numbers pass `validateNumbers` with
 * the same options.
 *
 * Rules are checked in order: empty text, empty entries, the count, then each entry from the first.
 * Messages name entries by 1-based position ("entry 3"), while `details.index` is 0-based and
 * `details.entry` contains the trimmed entry text.
 *
 * Cost: O(length of text) time and memory.
 *
 * @throws TypeError when `text` is not a string; TypeError or RangeError when `options.maxCount` is
 *   not a positive safe integer.
 * @throws StatsInputError with one of these codes:
 *   - EMPTY_LIST: the text is empty or whitespace only.
 *   - INVALID_ENTRY: an entry is empty, or is not plain ASCII digits (this includes `-3` and `+7`).
 *   - TOO_MANY_NUMBERS: more than `maxCount` entries. `details.value` is the count.
 *   - NOT_POSITIVE: an entry's value is 0, as in `0` or `00`.
 *   - UNSAFE_INTEGER: an entry is above Number.MAX_SAFE_INTEGER.
 */
export function parseNumbers(text: string, options?: ValidateOptions): number[] {
  const maxCount = resolveMaxCount(options);
  if (typeof text !== 'string') {
    throw new TypeError(`text must be a string, got ${describeValue(text)}.`);
  }

  const entries = splitEntries(text, maxCount);
  if (entries.length > maxCount) {
    throw new StatsInputError(
      'TOO_MANY_NUMBERS',
      `The text contains ${entries.length} numbers, but at most ${maxCount} are allowed.`,
      { value: entries.length, limit: maxCount },
    );
  }

  return entries.map((entry, index) => parseEntry(entry, index));
}

/** Splits text into non-empty entries, and throws on empty text or on an empty entry next to a comma. */
function splitEntries(text: string, maxCount: number): string[] {
  if (text.trim() === '') {
    throw new StatsInputError('EMPTY_LIST', `The text contains no numbers. Type 1 to ${maxCount} numbers.`);
  }

  const entries: string[] = [];
  for (const field of text.split(',')) {
    const trimmed = field.trim();
    if (trimmed === '') {
      const index = entries.length;
      throw new StatsInputError(
        'INVALID_ENTRY',
        `Entry ${index + 1} is empty. Separate numbers with a comma or whitespace, ` +
          'with no comma at the start, at the end or after another comma.',
        { index, entry: '' },
      );
    }
    for (const entry of trimmed.split(WHITESPACE_RUN)) {
      entries.push(entry);
    }
  }

  return entries;
}

function parseEntry(entry: string, index: number): number {
  const position = `Entry ${index + 1}`;

  if (!ASCII_DIGITS.test(entry)) {
    throw new StatsInputError(
      'INVALID_ENTRY',
      `${position} is ${quoteText(entry)}. Write each number with the ASCII digits 0-9 only, ` +
        'with no sign, decimal point, exponent, prefix or digit separator.',
      { index, entry },
    );
  }

  const digits = entry.replace(LEADING_ZEROS, '');
  if (digits === '') {
    throw new StatsInputError('NOT_POSITIVE', `${position} is ${quoteText(entry)}, which is 0. Every number must be a positive integer.`, {
      index,
      entry,
    });
  }
  const isAboveMax =
    digits.length > MAX_SAFE_DIGITS.length || (digits.length === MAX_SAFE_DIGITS.length && digits > MAX_SAFE_DIGITS);
  if (isAboveMax) {
    throw new StatsInputError(
      'UNSAFE_INTEGER',
      `${position} is ${quoteText(entry)}, above Number.MAX_SAFE_INTEGER (${MAX_SAFE_DIGITS}). ` +
        'Larger integers are not exact as JavaScript numbers.',
      { index, entry, limit: Number.MAX_SAFE_INTEGER },
    );
  }

  return Number(digits);
}
