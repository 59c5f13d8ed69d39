import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StatsInputError, summarize, type StatsInputErrorCode } from '../src/index.js';
import { referenceMean, referenceMedian } from './support/exact-oracle.js';

const MAX = Number.MAX_SAFE_INTEGER;
const TWO_53 = 2 ** 53;

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

describe('summarize results', () => {
  it.each([
    ['single element', [5], { count: 1, min: 5, max: 5, mean: 5, median: 5 }],
    ['odd count', [3, 1, 2], { count: 3, min: 1, max: 3, mean: 2, median: 2 }],
    ['even count', [4, 1, 3, 2], { count: 4, min: 1, max: 4, mean: 2.5, median: 2.5 }],
    ['negative values', [-5, -1, -3], { count: 3, min: -5, max: -1, mean: -3, median: -3 }],
    ['mixed signs', [-2, 7, 0, 1], { count: 4, min: -2, max: 7, mean: 1.5, median: 0.5 }],
    ['duplicates', [2, 2, 2, 9], { count: 4, min: 2, max: 9, mean: 3.75, median: 2 }],
    ['repeating mean', [1, 1, 2], { count: 3, min: 1, max: 2, mean: 4 / 3, median: 1 }],
    ['max safe integers', [MAX, MAX], { count: 2, min: MAX, max: MAX, mean: MAX, median: MAX }],
    ['min safe integers', [-MAX, -MAX, -MAX], { count: 3, min: -MAX, max: -MAX, mean: -MAX, median: -MAX }],
    ['extremes cancel', [-MAX, MAX], { count: 2, min: -MAX, max: MAX, mean: 0, median: 0 }],
  ])('%s', (_name, numbers, expected) => {
    expect(summarize(numbers)).toEqual(expected);
  });

  it('mean is exact where naive sum drops a 1', () => {
    const numbers = [MAX, 1, 1];
    const naiveMean = (MAX + 1 + 1) / 3;

    // The exact mean is (2^53 + 1) / 3 = 3002399751580331, but 2^53 + 1 is not a double, so the naive sum stays 2^53.
    expect(summarize(numbers).mean).toBe(3002399751580331);
    expect(naiveMean).not.toBe(3002399751580331);
  });

  it('mean survives cancellation that loses naive sum', () => {
    const numbers = [MAX, 1, 1, -MAX];
    const naiveMean = numbers.reduce((sum, value) => sum + value, 0) / numbers.length;

    expect(summarize(numbers).mean).toBe(0.5);
    expect(naiveMean).toBe(0.25);
  });

  it('mean of 2^53 - 1 and 2^53 - 2 rounds half to even', () => {
    // The exact mean 2^53 - 1.5 is halfway between 2^53 - 2 and 2^53 - 1, and 2^53 - 2 is even.
    expect(summarize([MAX, MAX - 1]).mean).toBe(MAX - 1.5);
    expect(summarize([MAX, MAX - 1, MAX, MAX - 1]).mean).toBe(MAX - 1.5);
  });

  it('median of two near-max values rounds once', () => {
    // (2^53 - 1 + 2^53 - 3) / 2 = 2^53 - 2 exactly, but MAX + (MAX - 2) overflows the exact range first.
    expect(summarize([MAX, MAX - 2]).median).toBe(TWO_53 - 2);
  });

  it('median of near-max odd sum rounds to even', () => {
    // (2^53 - 1 + 2^53 - 2) / 2 = 2^53 - 1.5, which is exact in doubles.
    expect(summarize([MAX, MAX - 1]).median).toBe(MAX - 1.5);
  });

  it('mean of many large values keeps every digit', () => {
    const numbers = Array.from({ length: 5000 }, (_, index) => MAX - (index % 7));
    expect(summarize(numbers).mean).toBe(referenceMean(numbers));
  });

  it('treats -0 as 0', () => {
    const summary = summarize([-0, -0]);
    expect(Object.is(summary.min, 0)).toBe(true);
    expect(Object.is(summary.max, 0)).toBe(true);
    expect(Object.is(summary.mean, 0)).toBe(true);
    expect(Object.is(summary.median, 0)).toBe(true);
  });

  it.each([
    ['Float64Array', Float64Array.of(4, -1, 3, 2)],
    ['Float32Array', Float32Array.of(4, -1, 3, 2)],
    ['Int8Array', Int8Array.of(4, -1, 3, 2)],
    ['Int16Array', Int16Array.of(4, -1, 3, 2)],
    ['Int32Array', Int32Array.of(4, -1, 3, 2)],
    ['Uint32Array', Uint32Array.of(4, 1, 3, 2)],
    ['Uint8ClampedArray', Uint8ClampedArray.of(4, 1, 3, 2)],
  ])('accepts %s', (_name, numbers) => {
    const summary = summarize(numbers);
    expect(summary.count).toBe(4);
    expect(summary.max).toBe(4);
    expect(summary.median).toBe(2.5);
  });
});

describe('summarize input errors', () => {
  it.each<[string, unknown, StatsInputErrorCode]>([
    ['undefined', undefined, 'NOT_A_LIST'],
    ['null', null, 'NOT_A_LIST'],
    ['number', 5, 'NOT_A_LIST'],
    ['string', '1,2', 'NOT_A_LIST'],
    ['array-like object', { length: 1, 0: 1 }, 'NOT_A_LIST'],
    ['BigInt64Array', BigInt64Array.of(1n), 'NOT_A_LIST'],
    ['DataView', new DataView(new ArrayBuffer(8)), 'NOT_A_LIST'],
    ['empty array', [], 'EMPTY_LIST'],
    ['empty typed array', new Float64Array(0), 'EMPTY_LIST'],
    ['fraction', [1, 1.5], 'NOT_AN_INTEGER'],
    ['NaN', [1, NaN], 'NOT_AN_INTEGER'],
    ['Infinity', [Infinity], 'NOT_AN_INTEGER'],
    ['-Infinity', [-Infinity], 'NOT_AN_INTEGER'],
    ['string element', [1, '2'], 'NOT_AN_INTEGER'],
    ['null element', [null], 'NOT_AN_INTEGER'],
    ['boolean element', [true], 'NOT_AN_INTEGER'],
    ['bigint element', [1n], 'NOT_AN_INTEGER'],
    ['sparse array hole', [1, , 3], 'NOT_AN_INTEGER'],
    ['2^53', [TWO_53], 'UNSAFE_INTEGER'],
    ['-2^53', [-TWO_53], 'UNSAFE_INTEGER'],
    ['1e300', [1e300], 'UNSAFE_INTEGER'],
    ['fraction in Float64Array', Float64Array.of(1, 0.5), 'NOT_AN_INTEGER'],
    ['huge value in Float32Array', Float32Array.of(1, 1e30), 'UNSAFE_INTEGER'],
  ])('%s gives %s', (_name, input, code) => {
    const error = thrownBy(() => summarize(input as ArrayLike<number>));
    expect(error.code).toBe(code);
  });

  it('error names index and value', () => {
    const error = thrownBy(() => summarize([1, 2, 2.5]));
    expect(error.message).toContain('index 2');
    expect(error.message).toContain('2.5');
    expect(error.details).toEqual({ index: 2, value: 2.5 });
  });

  it('unsafe error states the limit', () => {
    const error = thrownBy(() => summarize([1, -TWO_53]));
    expect(error.message).toContain('-9007199254740992');
    expect(error.details).toEqual({ index: 1, value: -TWO_53, limit: MAX });
  });

  it('string element message names its type', () => {
    const error = thrownBy(() => summarize([1, '2'] as unknown as number[]));
    expect(error.message).toContain('"2" (a string)');
  });

  it('reports the first invalid element', () => {
    const numbers = Array.from({ length: 3_000_000 }, () => 1);
    numbers[2_500_000] = 0.5;
    numbers[2_900_000] = NaN;
    expect(thrownBy(() => summarize(numbers)).details.index).toBe(2_500_000);
  });

  it('error is a StatsInputError with name', () => {
    const error = thrownBy(() => summarize([]));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('StatsInputError');
  });
});

describe('summarize input is not mutated', () => {
  it('plain array keeps order', () => {
    const numbers = [5, 3, 9, 1, 7, 2];
    const before = [...numbers];
    summarize(numbers);
    expect(numbers).toEqual(before);
  });

  it('Float64Array keeps order', () => {
    const numbers = Float64Array.from({ length: 50_001 }, () => Math.floor(Math.random() * 1e6));
    const before = Float64Array.from(numbers);
    summarize(numbers);
    expect(numbers).toEqual(before);
  });

  it('large plain array keeps order', () => {
    const numbers = Array.from({ length: 100_000 }, () => Math.floor((Math.random() - 0.5) * 2 * MAX));
    const before = [...numbers];
    summarize(numbers);
    expect(numbers).toEqual(before);
  });

  it('frozen array is accepted', () => {
    const numbers = Object.freeze([3, 1, 2]);
    expect(summarize(numbers).median).toBe(2);
  });
});

/** Safe integers with extra weight on the ends of the range and on values near ±2^53. */
const safeInteger = fc.oneof(
  fc.maxSafeInteger(),
  fc.integer({ min: MAX - 1000, max: MAX }),
  fc.integer({ min: -MAX, max: -MAX + 1000 }),
  fc.integer({ min: -1000, max: 1000 }),
);

describe('summarize against exact oracle', () => {
  it('plain arrays match', () => {
    fc.assert(
      fc.property(fc.array(safeInteger, { minLength: 1, maxLength: 60 }), (numbers) => {
        const summary = summarize(numbers);
        expect(summary.count).toBe(numbers.length);
        expect(summary.min).toBe(Math.min(...numbers) + 0);
        expect(summary.max).toBe(Math.max(...numbers) + 0);
        expect(summary.mean).toBe(referenceMean(numbers) + 0);
        expect(summary.median).toBe(referenceMedian(numbers) + 0);
      }),
      { numRuns: 500 },
    );
  });

  it('Float64Array matches', () => {
    fc.assert(
      fc.property(fc.array(safeInteger, { minLength: 1, maxLength: 60 }), (list) => {
        const numbers = Float64Array.from(list);
        const summary = summarize(numbers);
        expect(summary.mean).toBe(referenceMean(numbers) + 0);
        expect(summary.median).toBe(referenceMedian(numbers) + 0);
      }),
      { numRuns: 300 },
    );
  });

  it('near-max lists match', () => {
    const nearMax = fc.integer({ min: MAX - 64, max: MAX });
    fc.assert(
      fc.property(fc.array(nearMax, { minLength: 1, maxLength: 40 }), (numbers) => {
        const summary = summarize(numbers);
        expect(summary.mean).toBe(referenceMean(numbers));
        expect(summary.median).toBe(referenceMedian(numbers));
      }),
      { numRuns: 300 },
    );
  });

  it('ascending lists match', () => {
    fc.assert(
      fc.property(fc.array(safeInteger, { minLength: 1, maxLength: 60 }), (list) => {
        const numbers = [...list].sort((a, b) => a - b);
        const summary = summarize(numbers);
        expect(summary.median).toBe(referenceMedian(numbers) + 0);
        expect(summary.mean).toBe(referenceMean(numbers) + 0);
      }),
      { numRuns: 300 },
    );
  });

  it('ascending near-max pair rounds once', () => {
    expect(summarize([MAX - 1, MAX]).median).toBe(referenceMedian([MAX - 1, MAX]));
    expect(summarize(Float64Array.from([-0, 0, 0, 1])).median).toBe(0);
  });

  it('long lists crossing block sums match', () => {
    // Long enough for several 2^20-element blocks, so the BigInt flush between blocks is exercised.
    const length = 2 ** 20 * 3 + 17;
    const numbers = new Float64Array(length);
    for (let index = 0; index < length; index++) {
      numbers[index] = index % 3 === 0 ? MAX - index : -(index * 4099);
    }
    const summary = summarize(numbers);
    expect(summary.mean).toBe(referenceMean(numbers));
    expect(summary.median).toBe(referenceMedian(numbers));
  });
});
