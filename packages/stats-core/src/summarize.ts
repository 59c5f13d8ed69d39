import { medianOf } from './_median.js';
import { rationalToDouble } from './_rational-to-double.js';
import { scanIntegers } from './_scan-integers.js';
import { describeValue } from './_describe-value.js';
import { StatsInputError } from './stats-input-error.js';

/** Summary statistics of a list of integers. */
export interface Summary {
  /** Number of elements. */
  count: number;
  min: number;
  max: number;
  /** Arithmetic mean: the exact sum divided by count, rounded once to the nearest double (ties to even). */
  mean: number;
  /** Middle value, or the correctly rounded mean of the two middle values when count is even. */
  median: number;
}

/**
 * Computes count, min, max, mean and median of a non-empty list of safe integers.
 *
 * `numbers` must be a plain array or a typed array (Float64Array, Int32Array and so on) whose elements
 * are integers of any sign with |x| <= Number.MAX_SAFE_INTEGER. The mean and the even-count median
 * are the exact rational values rounded once to the nearest double, ties to even. The sum is exact even
 * beyond 2^53, because it is kept in a BigInt. The input is not changed, and -0 counts as 0, so no field is -0.
 *
 * Cost: expected O(n) time. One validating pass finds min, max and the exact sum, and notices a list
 * in ascending order, whose median is then its middle. Otherwise the median never sorts. Histogram selection narrows the candidates by value range, normally in two more passes, and
 * quickselect on a copy of the remaining candidates finishes. Extra memory is about n / 4096 elements
 * when the values near the median are distinct, and O(n) when one value repeats many times.
 *
 * @throws StatsInputError with code NOT_A_LIST (not an array or typed array, including BigInt64Array,
 *   whose elements are not numbers), EMPTY_LIST, NOT_AN_INTEGER (a fraction, NaN, ±Infinity or a
 *   non-number element, including a hole in a sparse array) or UNSAFE_INTEGER (|x| > Number.MAX_SAFE_INTEGER).
 */
export function summarize(numbers: ArrayLike<number>): Summary {
  if (!isNumberList(numbers)) {
    throw new StatsInputError(
      'NOT_A_LIST',
      `Expected an array or typed array of numbers, got ${describeValue(numbers)}.`,
      { value: numbers },
    );
  }
  const count = numbers.length;
  if (count === 0) {
    throw new StatsInputError('EMPTY_LIST', 'The list is empty. Give at least 1 number.');
  }

  const { min, max, sum, isAscending } = scanIntegers(numbers);
  const mean = rationalToDouble(sum, BigInt(count));
  const median = isAscending ? middleOfAscending(numbers) : medianOf(numbers, min, max);

  // Adding +0 turns -0 into 0 and leaves every other value unchanged.
  return { count, min: min + 0, max: max + 0, mean: mean + 0, median: median + 0 };
}

/** Returns the median of a list in ascending order from its middle elements, rounded as `medianOf` rounds it. */
function middleOfAscending(numbers: ArrayLike<number>): number {
  const lower = numbers[(numbers.length - 1) >> 1] as number;
  const upper = numbers[numbers.length >> 1] as number;
  return lower === upper ? lower : lower / 2 + upper / 2;
}

function isNumberList(value: unknown): value is ArrayLike<number> {
  if (Array.isArray(value)) {
    return true;
  }

  return ArrayBuffer.isView(value) && !(value instanceof DataView) && !isBigIntArray(value);
}

function isBigIntArray(value: ArrayBufferView): boolean {
  return value instanceof BigInt64Array || value instanceof BigUint64Array;
}
