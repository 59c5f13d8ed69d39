/**
 * Slow reference implementations for the tests. They share no code with src/ and favor obvious
 * correctness over speed: rounding searches all doubles by bit pattern with exact BigInt comparisons.
 */

const view = new DataView(new ArrayBuffer(8));

/** Bit pattern of +Infinity, treated in the search as the value 2^1024, where IEEE 754 rounding overflows. */
const INFINITY_BITS = 0x7ff0000000000000n;

/** Scale 2^1074 makes every double an integer multiple of the smallest subnormal. */
const SUBNORMAL_SHIFT = 1074n;

export function doubleFromBits(bits: bigint): number {
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
}

export function bitsOfDouble(value: number): bigint {
  view.setFloat64(0, value);
  return view.getBigUint64(0);
}

/** Exact value of the non-negative double with these bits, times 2^1074, so it is an integer. */
function scaledValueOfBits(bits: bigint): bigint {
  const exponentField = bits >> 52n;
  const fraction = bits & ((1n << 52n) - 1n);
  if (exponentField === 0n) {
    return fraction;
  }

  return (fraction + (1n << 52n)) << (exponentField - 1n);
}

/**
 * Returns the double nearest to numerator / denominator, ties to the even bit pattern, by binary
 * search over all non-negative bit patterns, which are ordered like their values.
 */
export function nearestDouble(numerator: bigint, denominator: bigint): number {
  if (denominator <= 0n) {
    throw new RangeError('denominator must be positive');
  }
  if (numerator < 0n) {
    return -nearestDouble(-numerator, denominator);
  }

  // Compare value(bits) * denominator * 2^1074 with numerator * 2^1074.
  const target = numerator << SUBNORMAL_SHIFT;
  const scaled = (bits: bigint): bigint => scaledValueOfBits(bits) * denominator;

  if (scaled(INFINITY_BITS) <= target) {
    return Infinity;
  }
  let below = 0n;
  let above = INFINITY_BITS;
  while (above - below > 1n) {
    const middle = (below + above) / 2n;
    if (scaled(middle) <= target) {
      below = middle;
    } else {
      above = middle;
    }
  }

  const distanceBelow = target - scaled(below);
  const distanceAbove = scaled(above) - target;
  if (distanceBelow < distanceAbove) {
    return doubleFromBits(below);
  }
  if (distanceAbove < distanceBelow) {
    return doubleFromBits(above);
  }
  return doubleFromBits((below & 1n) === 0n ? below : above);
}

/** Exact sum of safe integers, one BigInt addition per element. */
export function exactSum(numbers: ArrayLike<number>): bigint {
  let sum = 0n;
  for (let index = 0; index < numbers.length; index++) {
    sum += BigInt(numbers[index] as number);
  }
  return sum;
}

export function referenceMean(numbers: ArrayLike<number>): number {
  return nearestDouble(exactSum(numbers), BigInt(numbers.length));
}

function compareBigInts(a: bigint, b: bigint): number {
  if (a < b) {
    return -1;
  }
  return a > b ? 1 : 0;
}

/** Median from a fully sorted BigInt copy, the even case rounded by nearestDouble. */
export function referenceMedian(numbers: ArrayLike<number>): number {
  const sorted = Array.from(numbers, (value) => BigInt(value)).sort(compareBigInts);
  const middle = sorted.length >> 1;
  if (sorted.length % 2 === 1) {
    return Number(sorted[middle]);
  }

  return nearestDouble((sorted[middle - 1] as bigint) + (sorted[middle] as bigint), 2n);
}
