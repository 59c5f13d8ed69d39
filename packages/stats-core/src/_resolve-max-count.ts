import { describeValue } from './_describe-value.js';
import { DEFAULT_MAX_NUMBERS } from './limits.js';
import type { ValidateOptions } from './validate-numbers.js';

/**
 * Returns `options.maxCount`, or DEFAULT_MAX_NUMBERS when it is undefined.
 * Throws TypeError when `options` is not an object or `maxCount` is not a number,
 * and RangeError when `maxCount` is a number but not a positive safe integer.
 */
export function resolveMaxCount(options: ValidateOptions | undefined): number {
  if (options === undefined) {
    return DEFAULT_MAX_NUMBERS;
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`options must be an object or undefined, got ${describeValue(options)}.`);
  }

  const { maxCount } = options;
  if (maxCount === undefined) {
    return DEFAULT_MAX_NUMBERS;
  }
  if (typeof maxCount !== 'number') {
    throw new TypeError(`options.maxCount must be a positive safe integer, got ${describeValue(maxCount)}.`);
  }
  if (!Number.isSafeInteger(maxCount) || maxCount < 1) {
    throw new RangeError(
      `options.maxCount must be a positive safe integer (1 to ${Number.MAX_SAFE_INTEGER}), got ${describeValue(maxCount)}.`,
    );
  }

  return maxCount;
}
