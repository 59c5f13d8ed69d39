import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rationalToDouble } from '../src/_rational-to-double.js';
import { bitsOfDouble, doubleFromBits, nearestDouble } from './support/exact-oracle.js';

const TWO_53 = 2n ** 53n;
const MAX_FINITE = Number.MAX_VALUE;
const MIN_SUBNORMAL = Number.MIN_VALUE;

/** Exact value of a finite double as numerator / 2^1074. */
function exactScaled(value: number): bigint {
  const bits = bitsOfDouble(Math.abs(value));
  const exponentField = bits >> 52n;
  const fraction = bits & ((1n << 52n) - 1n);
  const magnitude = exponentField === 0n ? fraction : (fraction + (1n << 52n)) << (exponentField - 1n);
  return value < 0 ? -magnitude : magnitude;
}
const SCALE_1074 = 2n ** 1074n;

/** Midpoint of a double and the next double away from zero, as numerator / denominator. */
function midpointAboveMagnitude(value: number): [bigint, bigint] {
  const next = doubleFromBits(bitsOfDouble(Math.abs(value)) + 1n);
  const sum = exactScaled(Math.abs(value)) + exactScaled(next);
  const sign = value < 0 ? -1n : 1n;
  return [sign * sum, 2n * SCALE_1074];
}

describe('rationalToDouble', () => {
  it.each([
    ['zero', 0n, 1n, 0],
    ['zero over huge', 0n, 10n ** 400n, 0],
    ['small exact', 7n, 2n, 3.5],
    ['negative small', -7n, 2n, -3.5],
    ['one third', 1n, 3n, 1 / 3],
    ['2^53 + 1 rounds to even below', TWO_53 + 1n, 1n, 2 ** 53],
    ['2^53 + 3 rounds to even above', TWO_53 + 3n, 1n, 2 ** 53 + 4],
    ['-(2^53 + 1) rounds to even', -(TWO_53 + 1n), 1n, -(2 ** 53)],
    ['2^54 + 2 tie to even below', 2n ** 54n + 2n, 1n, 2 ** 54],
    ['2^54 + 6 tie to even above', 2n ** 54n + 6n, 1n, 2 ** 54 + 8],
    ['2^53 + 1 just above tie', (TWO_53 + 1n) * 3n + 1n, 3n, 2 ** 53 + 2],
    ['2^53 + 1 just below tie', (TWO_53 + 1n) * 3n - 1n, 3n, 2 ** 53],
    ['huge numerator and denominator', 10n ** 400n, 3n * 10n ** 399n, 10 / 3],
    ['huge negative quotient', -(10n ** 300n), 7n, -(1e300 / 7)],
    ['max finite', BigInt(MAX_FINITE), 1n, MAX_FINITE],
    ['beyond max rounds to infinity', 2n ** 1024n, 1n, Infinity],
    ['beyond max negative', -(2n ** 1024n), 1n, -Infinity],
    ['overflow threshold is a tie to infinity', 2n ** 1024n - 2n ** 970n, 1n, Infinity],
    ['just below overflow threshold', 2n ** 1024n - 2n ** 970n - 1n, 1n, MAX_FINITE],
    ['smallest normal', 1n, 2n ** 1022n, 2 ** -1022],
    ['smallest subnormal', 1n, 2n ** 1074n, MIN_SUBNORMAL],
    ['half smallest subnormal ties to zero', 1n, 2n ** 1075n, 0],
    ['above half smallest subnormal', 2n ** 1000n + 1n, 2n ** 2075n, MIN_SUBNORMAL],
    ['three halves smallest subnormal ties to even', 3n, 2n ** 1075n, 2 * MIN_SUBNORMAL],
    ['negative underflow to -0', -1n, 2n ** 1080n, -0],
  ])('%s', (_name, numerator, denominator, expected) => {
    expect(Object.is(rationalToDouble(numerator, denominator), expected)).toBe(true);
  });

  it('rejects zero denominator', () => {
    expect(() => rationalToDouble(1n, 0n)).toThrow(RangeError);
  });

  it('rejects negative denominator', () => {
    expect(() => rationalToDouble(1n, -3n)).toThrow(RangeError);
  });

  it('matches oracle on random huge fractions', () => {
    const operand = fc.bigInt({ min: 1n, max: 2n ** 1200n });
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 1200n), max: 2n ** 1200n }), operand, (numerator, denominator) => {
        expect(rationalToDouble(numerator, denominator)).toBe(nearestDouble(numerator, denominator));
      }),
      { numRuns: 300 },
    );
  });

  it('matches oracle for huge operands with moderate quotient', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 2n ** 600n }),
        fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }),
        fc.bigInt({ min: 0n, max: 2n ** 600n }),
        (denominator, quotient, remainder) => {
          const numerator = denominator * quotient + (remainder % denominator);
          expect(rationalToDouble(numerator, denominator)).toBe(nearestDouble(numerator, denominator));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matches oracle near 2^53 boundaries', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
        fc.bigInt({ min: 1n, max: 2n ** 20n }),
        (numerator, denominator) => {
          expect(rationalToDouble(numerator, denominator)).toBe(nearestDouble(numerator, denominator));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('rounds exact midpoints to even', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e300, max: 1e300, noNaN: true, noDefaultInfinity: true }), (value) => {
        fc.pre(value !== 0);
        const [numerator, denominator] = midpointAboveMagnitude(value);
        const next = doubleFromBits(bitsOfDouble(Math.abs(value)) + 1n);
        const even = (bitsOfDouble(Math.abs(value)) & 1n) === 0n ? Math.abs(value) : next;
        const expected = value < 0 ? -even : even;
        expect(rationalToDouble(numerator, denominator)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('returns exact doubles unchanged', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        fc.pre(value !== 0);
        expect(rationalToDouble(exactScaled(value), SCALE_1074)).toBe(value);
      }),
      { numRuns: 300 },
    );
  });
});

describe('nearestDouble oracle', () => {
  it.each([
    ['one third', 1n, 3n, 1 / 3],
    ['2^53 + 1 tie', TWO_53 + 1n, 1n, 2 ** 53],
    ['smallest subnormal', 1n, 2n ** 1074n, MIN_SUBNORMAL],
    ['overflow', 2n ** 1024n, 1n, Infinity],
  ])('%s', (_name, numerator, denominator, expected) => {
    expect(nearestDouble(numerator, denominator)).toBe(expected);
  });
});
