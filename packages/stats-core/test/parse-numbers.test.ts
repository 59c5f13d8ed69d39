import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNumbers, StatsInputError, validateNumbers, type StatsInputErrorCode } from '../src/index.js';

const MAX = Number.MAX_SAFE_INTEGER;

function thrownBy(action: () => unknown): StatsInputError {
  try {
    action();
  } catch (error) {
    if (error instanceof StatsInputError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a StatsInputError, but nothing was thrown');
}

describe('parseNumbers accepts', () => {
  it.each<[string, string, number[]]>([
    ['single number', '5', [5]],
    ['commas', '1,2,3', [1, 2, 3]],
    ['comma and space', '1, 2, 3', [1, 2, 3]],
    ['spaces only', '1 2 3', [1, 2, 3]],
    ['space before comma', '1 ,2', [1, 2]],
    ['mixed separators', '1, 2 3,4', [1, 2, 3, 4]],
    ['tabs and newlines', '1\t2\n3\r\n4', [1, 2, 3, 4]],
    ['leading and trailing whitespace', '  7 8  \n', [7, 8]],
    ['non-breaking space separator', '1\u00a02', [1, 2]],
    ['leading zeros are decimal', '007, 010', [7, 10]],
    ['max safe integer', '9007199254740991', [MAX]],
    ['max safe integer with leading zeros', '0009007199254740991', [MAX]],
    ['ten numbers', '1 2 3 4 5 6 7 8 9 10', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
  ])('%s', (_name, text, expected) => {
    expect(parseNumbers(text)).toEqual(expected);
  });

  it('maxCount raises the limit', () => {
    const text = Array.from({ length: 30 }, (_, index) => index + 1).join(' ');
    expect(parseNumbers(text, { maxCount: 30 })).toHaveLength(30);
  });

  it('round trip agrees with validateNumbers', () => {
    const separator = fc.constantFrom(',', ' ', ', ', ' ,', '\t', '\n', ' , ');
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: MAX }), { minLength: 1, maxLength: 10 }),
        separator,
        (numbers, joiner) => {
          const parsed = parseNumbers(` ${numbers.join(joiner)} `);
          expect(parsed).toEqual(numbers);
          expect(validateNumbers(parsed)).toEqual(numbers);
        },
      ),
    );
  });
});

describe('parseNumbers rejects', () => {
  it.each<[string, string, StatsInputErrorCode, number | undefined, string | undefined]>([
    ['empty text', '', 'EMPTY_LIST', undefined, undefined],
    ['whitespace only', ' \t\n ', 'EMPTY_LIST', undefined, undefined],
    ['letters after digits', '1, 12abc', 'INVALID_ENTRY', 1, '12abc'],
    ['decimal point', '1.5', 'INVALID_ENTRY', 0, '1.5'],
    ['exponent', '1e3', 'INVALID_ENTRY', 0, '1e3'],
    ['hex prefix', '0x10', 'INVALID_ENTRY', 0, '0x10'],
    ['digit separator', '1_000', 'INVALID_ENTRY', 0, '1_000'],
    ['plus sign', '+7', 'INVALID_ENTRY', 0, '+7'],
    ['minus sign', '2 -3', 'INVALID_ENTRY', 1, '-3'],
    ['negative zero', '-0', 'INVALID_ENTRY', 0, '-0'],
    ['Arabic-Indic digit', '\u0663', 'INVALID_ENTRY', 0, '\u0663'],
    ['fullwidth digit', '\uff13', 'INVALID_ENTRY', 0, '\uff13'],
    ['empty entry between commas', '1,,2', 'INVALID_ENTRY', 1, ''],
    ['empty entry with space', '1, ,2', 'INVALID_ENTRY', 1, ''],
    ['leading comma', ',1', 'INVALID_ENTRY', 0, ''],
    ['trailing comma', '1,2,', 'INVALID_ENTRY', 2, ''],
    ['lone comma', ',', 'INVALID_ENTRY', 0, ''],
    ['zero', '0', 'NOT_POSITIVE', 0, '0'],
    ['zeros', '3 000', 'NOT_POSITIVE', 1, '000'],
    ['2^53', '9007199254740992', 'UNSAFE_INTEGER', 0, '9007199254740992'],
    ['17 digits', '10000000000000000', 'UNSAFE_INTEGER', 0, '10000000000000000'],
    ['rounds to safe as Number', '9007199254740993', 'UNSAFE_INTEGER', 0, '9007199254740993'],
    ['very long number', '9'.repeat(400), 'UNSAFE_INTEGER', 0, '9'.repeat(400)],
    ['eleven numbers', '1 2 3 4 5 6 7 8 9 10 11', 'TOO_MANY_NUMBERS', undefined, undefined],
    ['eleven invalid entries', 'a b c d e f g h i j k', 'TOO_MANY_NUMBERS', undefined, undefined],
  ])('%s gives %s', (_name, text, code, index, entry) => {
    const error = thrownBy(() => parseNumbers(text));
    expect(error.code).toBe(code);
    expect(error.details.index).toBe(index);
    expect(error.details.entry).toBe(entry);
  });

  it('empty entry is found before the count', () => {
    expect(thrownBy(() => parseNumbers('1,2,3,4,5,6,7,8,9,10,')).code).toBe('INVALID_ENTRY');
  });

  it('count is checked before entry contents', () => {
    expect(thrownBy(() => parseNumbers('x 1 2', { maxCount: 2 })).code).toBe('TOO_MANY_NUMBERS');
  });

  it('first invalid entry wins', () => {
    expect(thrownBy(() => parseNumbers('5 0 1.5')).code).toBe('NOT_POSITIVE');
  });

  it('non-string text is a TypeError', () => {
    expect(() => parseNumbers(42 as unknown as string)).toThrow(TypeError);
  });

  it('invalid maxCount is a RangeError', () => {
    expect(() => parseNumbers('1', { maxCount: 0 })).toThrow(RangeError);
  });
});

describe('parseNumbers messages', () => {
  it('invalid entry names 1-based position and text', () => {
    const error = thrownBy(() => parseNumbers('4 5 1.5'));
    expect(error.message).toBe(
      'Entry 3 is "1.5". Write each number with the ASCII digits 0-9 only, ' +
        'with no sign, decimal point, exponent, prefix or digit separator.',
    );
  });

  it('empty entry names its position', () => {
    expect(thrownBy(() => parseNumbers('1,,2')).message).toMatch(/^Entry 2 is empty\./);
  });

  it('zero says it is 0', () => {
    expect(thrownBy(() => parseNumbers('00')).message).toBe('Entry 1 is "00", which is 0. Every number must be a positive integer.');
  });

  it('unsafe entry names the limit', () => {
    const error = thrownBy(() => parseNumbers('9007199254740992'));
    expect(error.message).toContain('Number.MAX_SAFE_INTEGER (9007199254740991)');
    expect(error.details.limit).toBe(MAX);
  });

  it('long entry is cut in the message', () => {
    const message = thrownBy(() => parseNumbers(`${'9'.repeat(400)}x`)).message;
    expect(message.length).toBeLessThan(200);
  });

  it('too many names count and limit', () => {
    const error = thrownBy(() => parseNumbers('1 2 3', { maxCount: 2 }));
    expect(error.message).toBe('The text contains 3 numbers, but at most 2 are allowed.');
    expect(error.details).toEqual({ value: 3, limit: 2 });
  });
});
