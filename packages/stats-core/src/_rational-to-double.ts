/** 2^53: integers up to this magnitude convert to doubles exactly. */
const EXACT_INTEGER_LIMIT = 2n ** 53n;

/** Significand bits of a double, counting the hidden leading bit. */
const SIGNIFICAND_BITS = 53;

/** Exponent of the smallest normal double, 2^-1022. */
const MIN_NORMAL_EXPONENT = -1022;

/** Exponent of the smallest subnormal double, 2^-1074: the lowest bit any double can hold. */
const MIN_SUBNORMAL_EXPONENT = -1074;

/** Exponent of the largest finite double, which is just below 2^1024. */
const MAX_EXPONENT = 1023;

/** Extra quotient bits kept beyond the significand, so that the dropped part contains a rounding bit. */
const GUARD_BITS = 2;

const bitsView = new DataView(new ArrayBuffer(8));

/**
 * Converts numerator / denominator to the nearest double, with ties rounded to the even significand
 * (IEEE 754 roundTiesToEven). Values beyond the double range become ±Infinity, and tiny negative
 * values that round to zero become -0, as IEEE division does.
 *
 * Cost: O(1) when both operands are at most 2^53 in magnitude; otherwise one BigInt division and a
 * few shifts of operands of the given size.
 *
 * @throws RangeError when the denominator is not positive.
 */
export function rationalToDouble(numerator: bigint, denominator: bigint): number {
  if (denominator <= 0n) {
    throw new RangeError(`denominator must be positive, got ${denominator}.`);
  }

  // Both operands convert exactly, and IEEE 754 division rounds the exact quotient to nearest, ties to even.
  const magnitude = numerator < 0n ? -numerator : numerator;
  if (magnitude <= EXACT_INTEGER_LIMIT && denominator <= EXACT_INTEGER_LIMIT) {
    return Number(numerator) / Number(denominator);
  }

  const value = roundMagnitude(magnitude, denominator);
  return numerator < 0n ? -value : value;
}

/** Rounds the positive quotient dividend / divisor to the nearest double, ties to even. */
function roundMagnitude(dividend: bigint, divisor: bigint): number {
  if (dividend === 0n) {
    return 0;
  }

  // Scale so that the integer quotient has 55 or 56 bits: 53 for the significand and at least
  // GUARD_BITS more. Since 2^(a-1) <= dividend < 2^a and 2^(d-1) <= divisor < 2^d, the quotient
  // dividend / divisor lies in (2^(a-d-1), 2^(a-d+1)), so a scale of 2^(55-(a-d)) places it in (2^54, 2^56).
  const scale = SIGNIFICAND_BITS + GUARD_BITS - (bitLength(dividend) - bitLength(divisor));
  const scaledDividend = scale >= 0 ? dividend << BigInt(scale) : dividend;
  const scaledDivisor = scale >= 0 ? divisor : divisor << BigInt(-scale);
  const quotient = scaledDividend / scaledDivisor;
  const isInexact = quotient * scaledDivisor !== scaledDividend;

  // The exact value is (quotient + fraction) * 2^-scale with 0 <= fraction < 1, and its leading bit is 2^exponent.
  const quotientBits = bitLength(quotient);
  const exponent = quotientBits - 1 - scale;
  if (exponent > MAX_EXPONENT) {
    return Infinity;
  }

  // Normal results keep 53 bits. Subnormal results keep only the bits from 2^exponent down to 2^-1074,
  // which may be none at all when the value is below 2^-1075.
  const keptBits =
    exponent >= MIN_NORMAL_EXPONENT ? SIGNIFICAND_BITS : exponent - MIN_SUBNORMAL_EXPONENT + 1;
  const droppedBits = BigInt(quotientBits - keptBits);
  let significand = quotient >> droppedBits;
  const remainder = quotient - (significand << droppedBits);
  const half = 1n << (droppedBits - 1n);
  const isAboveHalf = remainder > half || (remainder === half && isInexact);
  const isTie = remainder === half && !isInexact;
  if (isAboveHalf || (isTie && (significand & 1n) === 1n)) {
    significand += 1n;
  }

  return doubleFromParts(exponent, significand);
}

/**
 * Builds the double significand * 2^(exponent - 52) for a normal result (significand in [2^52, 2^53]),
 * or significand * 2^-1074 for a subnormal one (significand in [0, 2^52]).
 *
 * The IEEE 754 bit pattern is (biased exponent - 1) * 2^52 + significand, because the hidden bit of a
 * normal significand adds one to the exponent field. So a significand that rounding carried up to
 * 2^53 (or to 2^52 for a subnormal) moves into the next binade, and a carry out of 2^1023 yields the
 * bit pattern of Infinity, all without special cases.
 */
function doubleFromParts(exponent: number, significand: bigint): number {
  const biasedExponentMinusOne = Math.max(exponent, MIN_NORMAL_EXPONENT) - MIN_NORMAL_EXPONENT;
  bitsView.setBigUint64(0, (BigInt(biasedExponentMinusOne) << 52n) + significand);
  return bitsView.getFloat64(0);
}

function bitLength(value: bigint): number {
  return value.toString(2).length;
}
