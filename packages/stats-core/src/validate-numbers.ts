import { describeValue } from './_describe-value.js';
import { resolveMaxCount } from './_resolve-max-count.js';
import { StatsInputError } from './stats-input-error.js';

/** Options of `validateNumbers` and `parseNumbers`. */
export interface ValidateOptions {
  /** Maximum count of numbers accepted, a positive safe integer. Default: DEFAULT_MAX_NUMBERS (10). */
  maxCount?: number;
}

const POSITIVE_INTEGER_RULE = 'Every number must be a positive integer.';

/**
 * Validates decoded JSON as a list of positive safe integers and returns a fresh array of them.
 *
 * The value must be a plain array (typed arrays are rejected) of 1 to `maxCount` JavaScript numbers,
 * each an integer from 1 to Number.MAX_SAFE_INTEGER. Nothing is coerced: `"1"`, `null`, `true`, `1.5`,
 * NaN, ±Infinity, `0` and `-0` are rejected. The count is checked before the elements, then the
 * elements in order, and the first broken rule is thrown. Messages name positions by 0-based index
 * ("number at index 2"), the same index as `details.index`.
 *
 * Cost: O(n) time and O(n) memory for the copy.
 *
 * @throws TypeError or RangeError when `options.maxCount` is not a positive safe integer.
 * @throws StatsInputError with code NOT_A_LIST, EMPTY_LIST, TOO_MANY_NUMBERS (`details.value` is the count),
 *   NOT_AN_INTEGER (also for strings, null, booleans and other non-numbers), NOT_POSITIVE or UNSAFE_INTEGER.
 */
export function validateNumbers(value: unknown, options?: ValidateOptions): number[] {
  const maxCount = resolveMaxCount(options);

  if (!Array.isArray(value)) {
    throw new StatsInputError('NOT_A_LIST', `Expected an array of numbers, got ${describeValue(value)}.`, { value });
  }
  const count = value.length;
  if (count === 0) {
    throw new StatsInputError('EMPTY_LIST', `The list is empty. Give 1 to ${maxCount} numbers.`);
  }
  if (count > maxCount) {
    throw new StatsInputError(
      'TOO_MANY_NUMBERS',
      `The list contains ${count} numbers, but at most ${maxCount} are allowed.`,
      { value: count, limit: maxCount },
    );
  }

  const numbers: number[] = [];
  for (let index = 0; index < count; index++) {
    const element: unknown = value[index];
    checkPositiveSafeInteger(element, index);
    numbers.push(element as number);
  }

  return numbers;
}

function checkPositiveSafeInteger(value: unknown, index: number): void {
  const position = `Number at index ${index}`;

  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new StatsInputError('NOT_AN_INTEGER', `${position} is ${describeValue(value)}. ${POSITIVE_INTEGER_RULE}`, {
      index,
      value,
    });
  }
  if (value <= 0) {
    throw new StatsInputError('NOT_POSITIVE', `${position} is ${describeValue(value)}. ${POSITIVE_INTEGER_RULE}`, {
      index,
      value,
    });
  }
  if (value > Number.MAX_SAFE_INTEGER) {
    throw new StatsInputError(
      'UNSAFE_INTEGER',
      `${position} is ${describeValue(value)}, above Number.MAX_SAFE_INTEGER (${Number.MAX_SAFE_INTEGER}). ` +
        'Larger integers are not exact as JavaScript numbers.',
      { index, value, limit: Number.MAX_SAFE_INTEGER },
    );
  }
}
