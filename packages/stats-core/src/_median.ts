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
 * Sample elements left out at each end of the window: 1/64 of the sample. Outliers then fall outside
 * the window instead of stretching its buckets, and only about 3% of the elements take the rarely
 * predicted branch of clamping to the outer buckets.
 */
const SAMPLE_TRIM = 16;

/**
 * Candidate lists up to this length go straight to quickselect on a copy, because for them a round
 * saves little over quickselect and costs a sample and two passes.
 * NOTE: an estimate, not a measured crossover point.
 */
const DIRECT_SELECT_LIMIT = 16 * SAMPLE_SIZE;

/**
 * Largest share of the candidates that a round after the first may keep before selection switches to
 * quickselect. Such a round found skewed values (many in the median's bucket, as with powers of two),
 * where more rounds would each copy most of the list again. The first round is exempt, because one
 * outlier or a second cluster can stretch its buckets, and the next round then splits well.
 */
// NOTE: such skewed lists are the slow case. For 10^7 powers of two or two far clusters, summarize took
// 2 to 4 times as long as min, max, mean and median of simple-statistics 7.12. On evenly spread values
// it took about 0.65 times as long. These come from an ad hoc script on a shared 2-core machine.
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
 * bucket: about n / 4096 for evenly spread values, and up to n for skewed values.
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

    const window = sampleWindow(candidates);
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

/** Spreads the window over the values of a random sample of the candidates, without its extremes. */
function sampleWindow(candidates: ArrayLike<number>): BucketWindow {
  const sample = new Float64Array(SAMPLE_SIZE);
  for (let index = 0; index < SAMPLE_SIZE; index++) {
    sample[index] = candidates[Math.floor(Math.random() * candidates.length)] as number;
  }
  sample.sort();

  const low = sample[SAMPLE_TRIM] as number;
  const high = sample[SAMPLE_SIZE - 1 - SAMPLE_TRIM] as number;
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
  const offset = Math.floor((value - window.low) * window.scale) + 1;
  return Math.min(BUCKET_COUNT - 1, Math.max(0, offset));
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

/** Copies the elements of one bucket, and finds the smallest element of `upperBucket` (-1 for none). */
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

  for (let index = 0; index < candidates.length; index++) {
    const value = candidates[index] as number;
    const valueBucket = bucketOf(value, window);
    if (valueBucket === bucket) {
      values[size] = value;
      size++;
      min = Math.min(min, value);
      max = Math.max(max, value);
    } else if (valueBucket === upperBucket) {
      upperBucketMin = Math.min(upperBucketMin, value);
    }
  }

  return { values, min, max, upperBucketMin };
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
