import { describeValue } from './_describe-value.js';
import { StatsInputError } from './stats-input-error.js';

/** Result of one pass over a list of safe integers. */
export interface IntegerScan {
  min: number;
  max: number;
  /** Exact sum of all elements. */
  sum: bigint;
}

const TWO_POW_32 = 2 ** 32;
const TWO_POW_32_BIGINT = 2n ** 32n;

/**
 * Elements summed in doubles before the sums move into a BigInt. Each element x is split into
 * x = high * 2^32 + low with 0 <= low < 2^32 and |high| <= 2^21, so a block of 2^20 elements keeps
 * the low sum below 2^52 and the high sum within ±2^41: both are integers below 2^53, hence exact.
 */
const BLOCK_LENGTH = 2 ** 20;

const INTEGER_RULE = `Every number must be an integer from -${Number.MAX_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}.`;

/**
 * Checks that every element is a safe integer and returns the min, the max and the exact sum in
 * one pass. The sum costs no BigInt operation per element, only one per block of BLOCK_LENGTH.
 * The list must not be empty.
 *
 * @throws StatsInputError NOT_AN_INTEGER or UNSAFE_INTEGER for the first element that is not a safe integer.
 */
export function scanIntegers(numbers: ArrayLike<number>): IntegerScan {
  const count = numbers.length;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0n;

  for (let blockStart = 0; blockStart < count; blockStart += BLOCK_LENGTH) {
    const blockEnd = Math.min(count, blockStart + BLOCK_LENGTH);
    let highSum = 0;
    let lowSum = 0;

    for (let index = blockStart; index < blockEnd; index++) {
      const value = numbers[index] as number;
      if (!Number.isSafeInteger(value)) {
        throw invalidElementError(value, index);
      }
      if (value < min) {
        min = value;
      }
      if (value > max) {
        max = value;
      }

      // Division by 2^32 and the floor are exact, and so is the subtraction, whose result is in [0, 2^32).
      const high = Math.floor(value / TWO_POW_32);
      highSum += high;
      lowSum += value - high * TWO_POW_32;
    }

    sum += BigInt(highSum) * TWO_POW_32_BIGINT + BigInt(lowSum);
  }

  return { min, max, sum };
}

function invalidElementError(value: unknown, index: number): StatsInputError {
  const message = `Number at index ${index} is ${describeValue(value)}. ${INTEGER_RULE}`;
  if (typeof value === 'number' && Number.isInteger(value)) {
    return new StatsInputError('UNSAFE_INTEGER', message, { index, value, limit: Number.MAX_SAFE_INTEGER });
  }

  return new StatsInputError('NOT_AN_INTEGER', message, { index, value });
}
