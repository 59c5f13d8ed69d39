import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { medianOf } from '../src/_median.js';
import { selectInPlace } from '../src/_select.js';
import { summarize } from '../src/index.js';
import { nearestDouble } from './support/exact-oracle.js';

const MAX = Number.MAX_SAFE_INTEGER;

/** Median from a numerically sorted copy, with the even case rounded by the BigInt oracle. */
function sortedCopyMedian(numbers: ArrayLike<number>): number {
  const sorted = Float64Array.from(numbers).sort();
  const middle = sorted.length >> 1;
  if (sorted.length % 2 === 1) {
    return sorted[middle] as number;
  }

  return nearestDouble(BigInt(sorted[middle - 1] as number) + BigInt(sorted[middle] as number), 2n);
}

function medianOfList(numbers: ArrayLike<number>): number {
  let min = Infinity;
  let max = -Infinity;
  for (let index = 0; index < numbers.length; index++) {
    min = Math.min(min, numbers[index] as number);
    max = Math.max(max, numbers[index] as number);
  }
  return medianOf(numbers, min, max);
}

function randomInteger(low: number, high: number): number {
  return low + Math.floor(Math.random() * (high - low + 1));
}

function generate(length: number, next: (index: number) => number): number[] {
  return Array.from({ length }, (_, index) => next(index));
}

/** Distributions that stress the histogram rounds: clusters, gaps, duplicates, skew and order. */
const distributions: [string, (index: number, length: number) => number][] = [
  ['uniform over the safe range', () => randomInteger(-MAX, MAX)],
  ['uniform small range', () => randomInteger(0, 999)],
  ['two distinct values', (index) => (index % 2 === 0 ? 7 : 8)],
  ['all equal', () => 42],
  ['sorted ascending', (index) => index * 3],
  ['sorted descending', (index, length) => (length - index) * 3],
  ['two far clusters', (index) => (index % 2 === 0 ? randomInteger(0, 100) : randomInteger(MAX - 100, MAX))],
  ['one huge outlier', (index) => (index === 0 ? MAX : randomInteger(1, 50))],
  ['one negative outlier', (index) => (index === 1 ? -MAX : randomInteger(MAX - 5, MAX))],
  ['powers of two', () => 2 ** randomInteger(0, 52)],
  ['signed powers of two', () => (Math.random() < 0.5 ? -1 : 1) * 2 ** randomInteger(0, 52)],
  ['extremes only', (index) => (index % 3 === 0 ? -MAX : MAX)],
  ['dense middle and sparse tails', (index) => (index % 100 === 0 ? randomInteger(-MAX, MAX) : randomInteger(-5, 5))],
];

describe('median selection on large arrays', () => {
  for (const length of [100_000, 100_001]) {
    it.each(distributions)(`%s, length ${length}`, (_name, next) => {
      const numbers = generate(length, (index) => next(index, length));
      expect(medianOfList(numbers)).toBe(sortedCopyMedian(numbers));
    });
  }

  it('repeated uniform trials match sorted copy', () => {
    for (let trial = 0; trial < 20; trial++) {
      const length = randomInteger(16_000, 60_000);
      const span = 2 ** randomInteger(1, 53) - 1;
      const numbers = generate(length, () => randomInteger(-span, span));
      expect(medianOfList(numbers)).toBe(sortedCopyMedian(numbers));
    }
  });

  it('Float64Array input matches sorted copy', () => {
    const numbers = Float64Array.from(generate(200_000, () => randomInteger(-1e12, 1e12)));
    expect(medianOfList(numbers)).toBe(sortedCopyMedian(numbers));
  });

  it('summarize median matches sorted copy at a million', () => {
    const numbers = Float64Array.from(generate(1_000_000, () => randomInteger(-MAX, MAX)));
    expect(summarize(numbers).median).toBe(sortedCopyMedian(numbers));
  });

  it('middle pair split across buckets', () => {
    // Half the elements sit at each end, so the two middle values fall in the first and last bucket.
    const numbers = generate(50_000, (index) => (index < 25_000 ? index : MAX - index));
    expect(medianOfList(numbers)).toBe(sortedCopyMedian(numbers));
  });
});

describe('median selection on small arrays', () => {
  it('random lists match sorted copy', () => {
    const element = fc.oneof(fc.maxSafeInteger(), fc.integer({ min: -3, max: 3 }));
    fc.assert(
      fc.property(fc.array(element, { minLength: 1, maxLength: 200 }), (numbers) => {
        expect(medianOfList(numbers)).toBe(sortedCopyMedian(numbers));
      }),
      { numRuns: 500 },
    );
  });
});

describe('selectInPlace', () => {
  it('partitions around the k-th value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 300 }),
        fc.nat(),
        (list, seed) => {
          const values = Float64Array.from(list);
          const k = seed % values.length;
          const sorted = Float64Array.from(list).sort();

          selectInPlace(values, k);

          expect(values[k]).toBe(sorted[k]);
          expect(values.subarray(0, k).every((value) => value <= (sorted[k] as number))).toBe(true);
          expect(values.subarray(k + 1).every((value) => value >= (sorted[k] as number))).toBe(true);
          expect(Float64Array.from(values).sort()).toEqual(sorted);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('handles 100000 equal values', () => {
    const values = new Float64Array(100_000).fill(3);
    selectInPlace(values, 49_999);
    expect(values[49_999]).toBe(3);
  });

  it('handles large random array', () => {
    const list = generate(300_001, () => randomInteger(-MAX, MAX));
    const values = Float64Array.from(list);
    const sorted = Float64Array.from(list).sort();
    selectInPlace(values, 150_000);
    expect(values[150_000]).toBe(sorted[150_000]);
  });
});
