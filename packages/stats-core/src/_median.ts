import { selectInPlace } from './_select.js';

/**
 * Buckets of equal value width inside the window. The counts (16 KiB) stay in the L1 cache, and
 * evenly spread values leave about 1/4096 of the window as candidates for the next round.
 */
const WINDOW_BUCKET_COUNT = 4096;

/** All buckets: one for values below the window, the window buckets, and one for values above it. */
const BUCKET_COUNT = WINDOW_BUCKET_COUNT + 2;

/** Random elements drawn to place the window. */
const SAMPLE_SIZE = 1024;

/**
 * Sample elements left out at each end of a wide window: 1/64 of the sample. Outliers then fall outside
 * the window instead of stretching its buckets, and only about 3% of the elements take the rarely
 * predicted branch of clamping to the outer buckets.
 */
const SAMPLE_TRIM = 16;

/**
 * Sample positions on each side of the rank's expected position that a narrow window spans. The rank of
 * the wanted element within a sample of 1024 has a standard deviation of at most 16 positions, so
 * 64 positions (4 standard deviations) keep it inside the window in all but about 1 in 15,000
 * rounds, and a miss only costs another round. The window then holds about 1/8 of the candidates,
 * whatever their distribution, so its 4096 buckets split even skewed values (powers of two, far
 * clusters) into small groups. It is used only for such values, because the 7/8 of the elements
 * outside it fall below or above it in an unpredictable order, and the mispredicted branches made
 * a counting pass about 4 times slower than with a wide window (10^7 elements, Node.js 20).
 */
const SAMPLE_MARGIN = 64;

/**
 * Candidate lists up to this length go straight to quickselect on a copy, because for them a round
 * saves little over quickselect and costs a sample and two passes.
 * NOTE: an estimate, not a measured crossover point.
 */
const DIRECT_SELECT_LIMIT = 16 * SAMPLE_SIZE;

/**
 * Largest share of the candidates that a round after the first may keep before selection switches to
 * quickselect. Such a round found many equal or nearly equal values in the rank's bucket, where more
 * rounds would each copy most of the list again. The first round is exempt, because a window that
 * missed the rank (about 1 round in 15,000) keeps up to half of the list, and the next round then
 * splits it well.
 */
const MAX_KEPT_SHARE = 1 / 8;

/** Bound on histogram rounds. Each round narrows the value range about 4096-fold, so 2 are normal. */
const MAX_ROUNDS = 6;

/** Lower and upper middle values of a list, which are equal for an odd count. */
interface MiddleValues {
  lower: number;
  upper: number;
}

/** Value window of a histogram round: bucket 1 starts at `low`, and each window bucket is 1 / scale wide. */
interface BucketWindow {
  low: number;
  scale: number;
}

/**
 * Returns the median of a non-empty list of safe integers, without changing the list and without
 * sorting it. For an even count it is the mean of the two middle values, correctly rounded (ties to even).
 *
 * Cost: expected O(n) time, normally two passes over the list. Extra memory is the candidates of one
 * bucket: about n / 4096 when the values near the median are distinct, and up to n when one value
 * repeats many times.
 */
export function medianOf(numbers: ArrayLike<number>, min: number, max: number): number {
  const { lower, upper } = selectMiddleValues(numbers, min, max);

  // Halving a safe integer is exact (it only lowers the exponent), so lower / 2 + upper / 2 is one IEEE
  // addition of two exact terms whose exact sum is (lower + upper) / 2. The addition rounds that value
  // once, to nearest with ties to even, which is the correctly rounded mean. Computing lower + upper
  // first could round twice, because the sum may need 54 bits.
  return lower === upper ? lower : lower / 2 + upper / 2;
}

/**
 * Finds the middle values by histogram selection. Each round spreads buckets of equal width over the
 * values of a random sample, counts the candidates per bucket, keeps only the bucket that contains
 * the lower middle rank, and repeats on it. Buckets are ordered by value, so the rank inside the kept
 * bucket is the rank minus the counts of the buckets before it. Short candidate lists, and skewed ones
 * that a round cannot split, finish with quickselect.
 */
function selectMiddleValues(numbers: ArrayLike<number>, min: number, max: number): MiddleValues {
  const count = numbers.length;
  let rank = (count - 1) >> 1;
  let isUpperPending = count % 2 === 0;
  let upper: number | undefined;
  let candidates = numbers;
  let candidatesMin = min;
  let candidatesMax = max;

  for (let round = 0; round < MAX_ROUNDS && candidates.length > DIRECT_SELECT_LIMIT; round++) {
    if (candidatesMin === candidatesMax) {
      return { lower: candidatesMin, upper: upper ?? candidatesMin };
    }

    const window = sampleWindow(candidates, rank);
    const counts = countPerBucket(candidates, window);
    const { bucket, start } = findBucketOfRank(counts, rank);
    const bucketSize = counts[bucket] as number;
    rank -= start;

    // When the lower middle value is the last of its bucket, the upper one is the smallest value of
    // the next non-empty bucket, which the collection pass of this round can find.
    let upperBucket = -1;
    if (isUpperPending && rank === bucketSize - 1) {
      upperBucket = nextNonEmptyBucket(counts, bucket);
      isUpperPending = false;
    }

    const collected = collectBucket(candidates, window, bucket, bucketSize, upperBucket);
    if (upperBucket !== -1) {
      upper = collected.upperBucketMin;
    }
    const isSkewed = bucketSize > MAX_KEPT_SHARE * candidates.length;
    candidates = collected.values;
    candidatesMin = collected.min;
    candidatesMax = collected.max;
    if (isSkewed && round > 0) {
      break;
    }
  }

  return selectFromCopy(candidates, rank, isUpperPending, upper);
}

/**
 * Chooses the window of a round from a random sample of the candidates. The wide window spans the
 * sample without its extremes, which splits evenly spread values well. When more than
 * MAX_KEPT_SHARE of the sample falls into the wide bucket of the rank, the values are skewed and the
 * round would keep most of them, so a narrow window around the rank's position in the sample is used.
 */
function sampleWindow(candidates: ArrayLike<number>, rank: number): BucketWindow {
  const sample = new Float64Array(SAMPLE_SIZE);
  for (let index = 0; index < SAMPLE_SIZE; index++) {
    sample[index] = candidates[Math.floor(Math.random() * candidates.length)] as number;
  }
  sample.sort();

  const position = Math.min(SAMPLE_SIZE - 1, Math.floor((rank / candidates.length) * SAMPLE_SIZE));
  const wide = windowBetween(sample[SAMPLE_TRIM] as number, sample[SAMPLE_SIZE - 1 - SAMPLE_TRIM] as number);
  const rankBucket = bucketOf(sample[position] as number, wide);
  let sampleInRankBucket = 0;
  for (let index = 0; index < SAMPLE_SIZE; index++) {
    if (bucketOf(sample[index] as number, wide) === rankBucket) sampleInRankBucket++;
  }
  if (sampleInRankBucket <= MAX_KEPT_SHARE * SAMPLE_SIZE) {
    return wide;
  }

  return windowBetween(
    sample[Math.max(0, position - SAMPLE_MARGIN)] as number,
    sample[Math.min(SAMPLE_SIZE - 1, position + SAMPLE_MARGIN)] as number,
  );
}

function windowBetween(low: number, high: number): BucketWindow {
  // The candidates are integers, so a window of width 1 still separates `low` from larger values.
  const width = Math.max(high - low, 1);
  return { low, scale: WINDOW_BUCKET_COUNT / width };
}

/**
 * Returns the bucket of a value: 0 below the window, 1 to WINDOW_BUCKET_COUNT inside it, and
 * BUCKET_COUNT - 1 above it. Rounding in (value - low) * scale cannot reorder values, because every
 * step is monotonic, so no bucket contains a value above one in a later bucket.
 */
function bucketOf(value: number, window: BucketWindow): number {
  const offset = (value - window.low) * window.scale;
  // Comparisons turned into 0 or 1 keep this free of branches. Values often fall below and above the
  // window in random order, and mispredicted branches made a counting pass 3 times slower (10^7
  // powers of two, Node.js 20). Inside the window the offset is in [0, WINDOW_BUCKET_COUNT), so
  // truncation by `| 0` is the floor, and the mask `-inside` drops that term outside the window.
  const inside = +(offset >= 0) & +(offset < WINDOW_BUCKET_COUNT);
  const above = +(offset >= WINDOW_BUCKET_COUNT);
  return (((offset | 0) + 1) & -inside) | (above * (BUCKET_COUNT - 1));
}

function countPerBucket(candidates: ArrayLike<number>, window: BucketWindow): Int32Array {
  const counts = new Int32Array(BUCKET_COUNT);
  for (let index = 0; index < candidates.length; index++) {
    const bucket = bucketOf(candidates[index] as number, window);
    counts[bucket] = (counts[bucket] as number) + 1;
  }

  return counts;
}

/** Returns the bucket that contains the element of the given rank, and the rank of that bucket's first element. */
function findBucketOfRank(counts: Int32Array, rank: number): { bucket: number; start: number } {
  let start = 0;
  for (let bucket = 0; bucket < counts.length; bucket++) {
    const size = counts[bucket] as number;
    if (rank < start + size) {
      return { bucket, start };
    }
    start += size;
  }

  throw new Error(`Internal error: rank ${rank} is beyond the ${start} counted elements.`);
}

function nextNonEmptyBucket(counts: Int32Array, bucket: number): number {
  for (let next = bucket + 1; next < counts.length; next++) {
    if ((counts[next] as number) > 0) {
      return next;
    }
  }

  throw new Error(`Internal error: no element above bucket ${bucket}, but the upper middle rank is there.`);
}

interface CollectedBucket {
  values: Float64Array;
  min: number;
  max: number;
  /** Smallest value in the requested upper bucket, or Infinity when none was requested. */
  upperBucketMin: number;
}

/**
 * Copies the elements of one bucket, and finds the smallest element of `upperBucket` (-1 for none).
 * Membership is tested on the same scaled offset that `bucketOf` computes: bucket b holds the offsets
 * in [b - 1, b), bucket 0 those below 0 and the last bucket those from WINDOW_BUCKET_COUNT up. The
 * two comparisons are combined without a branch, so that only the rare match is a branch.
 */
function collectBucket(
  candidates: ArrayLike<number>,
  window: BucketWindow,
  bucket: number,
  bucketSize: number,
  upperBucket: number,
): CollectedBucket {
  const values = new Float64Array(bucketSize);
  let size = 0;
  let min = Infinity;
  let max = -Infinity;
  let upperBucketMin = Infinity;
  const { low, scale } = window;
  const [from, to] = offsetRange(bucket);
  const [upperFrom, upperTo] = upperBucket === -1 ? [Infinity, Infinity] : offsetRange(upperBucket);

  for (let index = 0; index < candidates.length; index++) {
    const value = candidates[index] as number;
    const offset = (value - low) * scale;
    if ((+(offset >= from) & +(offset < to)) !== 0) {
      values[size] = value;
      size++;
      min = Math.min(min, value);
      max = Math.max(max, value);
    } else if ((+(offset >= upperFrom) & +(offset < upperTo)) !== 0) {
      upperBucketMin = Math.min(upperBucketMin, value);
    }
  }

  return { values, min, max, upperBucketMin };
}

/** Returns the range [from, to) of scaled offsets (value - low) * scale that `bucketOf` puts into `bucket`. */
function offsetRange(bucket: number): [number, number] {
  if (bucket === 0) return [-Infinity, 0];
  if (bucket === BUCKET_COUNT - 1) return [WINDOW_BUCKET_COUNT, Infinity];
  return [bucket - 1, bucket];
}

/**
 * Finishes with quickselect on a copy: the lower middle value is at `rank`, and the upper middle
 * value, when still pending, is the smallest element after it.
 */
function selectFromCopy(
  candidates: ArrayLike<number>,
  rank: number,
  isUpperPending: boolean,
  upper: number | undefined,
): MiddleValues {
  const values = Float64Array.from(candidates);
  selectInPlace(values, rank);
  const lower = values[rank] as number;
  if (!isUpperPending) {
    return { lower, upper: upper ?? lower };
  }

  let upperMiddle = Infinity;
  for (let index = rank + 1; index < values.length; index++) {
    upperMiddle = Math.min(upperMiddle, values[index] as number);
  }

  return { lower, upper: upperMiddle };
}
