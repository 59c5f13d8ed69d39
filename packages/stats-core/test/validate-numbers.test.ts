import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_NUMBERS, StatsInputError, validateNumbers, type StatsInputErrorCode } from '../src/index.js';

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

describe('validateNumbers accepts', () => {
  it.each<[string, number[]]>([
    ['one number', [1]],
    ['ten numbers', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
    ['max safe integer', [MAX]],
    ['duplicates', [3, 3, 3]],
  ])('%s', (_name, numbers) => {
    expect(validateNumbers(numbers)).toEqual(numbers);
  });

  it('returns a fresh array', () => {
    const input = [1, 2, 3];
    const output = validateNumbers(input);
    expect(output).not.toBe(input);
    expect(output).toEqual(input);
  });

  it('default limit is 10', () => {
    expect(DEFAULT_MAX_NUMBERS).toBe(10);
  });

  it('maxCount raises the limit', () => {
    const numbers = Array.from({ length: 25 }, (_, index) => index + 1);
    expect(validateNumbers(numbers, { maxCount: 25 })).toEqual(numbers);
  });

  it('empty options keep the default', () => {
    expect(validateNumbers([1, 2], {})).toEqual([1, 2]);
  });

  it('accepts random positive safe integer lists', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: MAX }), { minLength: 1, maxLength: 10 }), (numbers) => {
        expect(validateNumbers(numbers)).toEqual(numbers);
      }),
    );
  });
});

describe('validateNumbers rejects', () => {
  it.each<[string, unknown, StatsInputErrorCode, number | undefined]>([
    ['undefined', undefined, 'NOT_A_LIST', undefined],
    ['null', null, 'NOT_A_LIST', undefined],
    ['object', { 0: 1, length: 1 }, 'NOT_A_LIST', undefined],
    ['string', '1,2', 'NOT_A_LIST', undefined],
    ['number', 3, 'NOT_A_LIST', undefined],
    ['typed array', Float64Array.of(1), 'NOT_A_LIST', undefined],
    ['empty list', [], 'EMPTY_LIST', undefined],
    ['eleven numbers', Array.from({ length: 11 }, () => 1), 'TOO_MANY_NUMBERS', undefined],
    ['eleven invalid entries', Array.from({ length: 11 }, () => 'x'), 'TOO_MANY_NUMBERS', undefined],
    ['string "1"', [1, '1'], 'NOT_AN_INTEGER', 1],
    ['null element', [null], 'NOT_AN_INTEGER', 0],
    ['true', [2, 3, true], 'NOT_AN_INTEGER', 2],
    ['false', [false], 'NOT_AN_INTEGER', 0],
    ['undefined element', [1, undefined], 'NOT_AN_INTEGER', 1],
    ['sparse hole', [1, , 2], 'NOT_AN_INTEGER', 1],
    ['nested array', [[1]], 'NOT_AN_INTEGER', 0],
    ['object element', [{}], 'NOT_AN_INTEGER', 0],
    ['bigint element', [1n], 'NOT_AN_INTEGER', 0],
    ['1.5', [1.5], 'NOT_AN_INTEGER', 0],
    ['NaN', [NaN], 'NOT_AN_INTEGER', 0],
    ['Infinity', [Infinity], 'NOT_AN_INTEGER', 0],
    ['-Infinity', [-Infinity], 'NOT_AN_INTEGER', 0],
    ['-0', [-0], 'NOT_POSITIVE', 0],
    ['0', [0], 'NOT_POSITIVE', 0],
    ['-3', [-3], 'NOT_POSITIVE', 0],
    ['negative unsafe', [-1e20], 'NOT_POSITIVE', 0],
    ['2^53', [2 ** 53], 'UNSAFE_INTEGER', 0],
    ['1e300', [1e300], 'UNSAFE_INTEGER', 0],
  ])('%s gives %s', (_name, input, code, index) => {
    const error = thrownBy(() => validateNumbers(input));
    expect(error.code).toBe(code);
    expect(error.details.index).toBe(index);
  });

  it('first invalid element wins', () => {
    expect(thrownBy(() => validateNumbers([1, 0, '2'])).code).toBe('NOT_POSITIVE');
  });

  it('count is checked before elements', () => {
    const error = thrownBy(() => validateNumbers(['a', 'b', 'c'], { maxCount: 2 }));
    expect(error.code).toBe('TOO_MANY_NUMBERS');
    expect(error.details).toEqual({ value: 3, limit: 2 });
  });
});

describe('validateNumbers messages', () => {
  it('string element names index, value and type', () => {
    const error = thrownBy(() => validateNumbers([4, 5, '1']));
    expect(error.message).toBe('Number at index 2 is "1" (a string). Every number must be a positive integer.');
  });

  it('string element details carry the value', () => {
    const error = thrownBy(() => validateNumbers([4, 5, '1']));
    expect(error.details).toEqual({ index: 2, value: '1' });
  });

  it.each<[string, unknown, string]>([
    ['null', null, 'is null.'],
    ['boolean', true, 'is true (a boolean).'],
    ['-0', -0, 'is -0.'],
    ['NaN', NaN, 'is NaN.'],
    ['fraction', 1.5, 'is 1.5.'],
    ['long string', 'x'.repeat(100), `is "${'x'.repeat(40)}"… (a string).`],
  ])('%s is described', (_name, element, fragment) => {
    expect(thrownBy(() => validateNumbers([element])).message).toContain(fragment);
  });

  it('unsafe integer names the limit', () => {
    const error = thrownBy(() => validateNumbers([2 ** 53]));
    expect(error.message).toContain('9007199254740991');
    expect(error.details).toEqual({ index: 0, value: 2 ** 53, limit: MAX });
  });

  it('too many numbers names count and limit', () => {
    const error = thrownBy(() => validateNumbers(Array.from({ length: 11 }, () => 1)));
    expect(error.message).toBe('The list contains 11 numbers, but at most 10 are allowed.');
  });

  it('not a list names the type', () => {
    expect(thrownBy(() => validateNumbers({ a: 1 })).message).toBe('Expected an array of numbers, got an object.');
  });
});

describe('validateNumbers maxCount', () => {
  it.each<[string, unknown, typeof TypeError | typeof RangeError]>([
    ['zero', 0, RangeError],
    ['negative', -1, RangeError],
    ['fraction', 2.5, RangeError],
    ['NaN', NaN, RangeError],
    ['Infinity', Infinity, RangeError],
    ['unsafe', 2 ** 53, RangeError],
    ['string', '10', TypeError],
    ['null', null, TypeError],
  ])('%s is rejected', (_name, maxCount, errorType) => {
    expect(() => validateNumbers([1], { maxCount } as { maxCount: number })).toThrow(errorType);
  });

  it('message names maxCount', () => {
    expect(() => validateNumbers([1], { maxCount: 0 })).toThrow(/options\.maxCount/);
  });

  it('non-object options are rejected', () => {
    expect(() => validateNumbers([1], 5 as unknown as { maxCount: number })).toThrow(TypeError);
  });

  it('maxCount is checked before the value', () => {
    expect(() => validateNumbers('not a list', { maxCount: -1 })).toThrow(RangeError);
  });
});
