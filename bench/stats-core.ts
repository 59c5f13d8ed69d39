// Benchmark 5: stats-core's summarize on large arrays against simple-statistics (min, max, mean
// and median, whose median uses Floyd-Rivest selection on a copy) and a sort-based median, with
// every result checked against an exact BigInt oracle.
import * as simpleStatistics from 'simple-statistics';

import { summarize } from '../packages/stats-core/dist/index.js';
import { nearestDouble } from '../packages/stats-core/test/support/exact-oracle.js';
import { formatNumber, formatRatio, medianOf } from './lib/numbers.js';
import type { BenchmarkReport } from './lib/report.js';
import type { BenchSettings } from './lib/settings.js';

/** summarize should take at most this share of the time of simple-statistics' four functions. */
const TARGET_VS_SIMPLE_STATISTICS = 1;

/** summarize should be at least this many times faster than copying, sorting and picking the middle. */
const TARGET_VS_SORT = 10;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

interface Distribution {
  name: string;
  /** Fills the array with integers from `random`, a generator of numbers in [0, 1). */
  fill(values: Float64Array, random: () => number): void;
}

const DISTRIBUTIONS: Distribution[] = [
  {
    name: 'uniform 1..2^53-1',
    fill: (values, random) => {
      for (let i = 0; i < values.length; i++) values[i] = 1 + Math.floor(random() * (MAX_SAFE - 1));
    },
  },
  {
    name: 'powers of two 2^0..2^52',
    fill: (values, random) => {
      for (let i = 0; i < values.length; i++) values[i] = 2 ** Math.floor(random() * 53);
    },
  },
  {
    name: 'two far clusters (1e3 and 2^52)',
    fill: (values, random) => {
      for (let i = 0; i < values.length; i++) {
        values[i] = random() < 0.5 ? 1_000 + Math.floor(random() * 1_000) : 2 ** 52 + Math.floor(random() * 1_000_000);
      }
    },
  },
  {
    name: 'sorted uniform 1..2^40',
    fill: (values, random) => {
      for (let i = 0; i < values.length; i++) values[i] = 1 + Math.floor(random() * 2 ** 40);
      values.sort();
    },
  },
];

/** Deterministic generator (mulberry32), so every run measures the same arrays. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Exact figures of one data set: the BigInt sum, and the middle values of a sorted copy. */
interface Oracle {
  min: number;
  max: number;
  mean: number;
  median: number;
  /** Mean from a plain double sum divided by the count, to show rounding drift. */
  floatSumMean: number;
}

function exactOracle(values: Float64Array): Oracle {
  let sum = 0n;
  let floatSum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += BigInt(values[i] as number);
    floatSum += values[i] as number;
  }
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const lower = sorted[(n - 1) >> 1] as number;
  const upper = sorted[n >> 1] as number;
  return {
    min: sorted[0] as number,
    max: sorted[n - 1] as number,
    mean: nearestDouble(sum, BigInt(n)),
    // Halving is exact for safe integers, so this is the correctly rounded mean of the two.
    median: lower / 2 + upper / 2,
    floatSumMean: floatSum / n,
  };
}

/** Distance between two doubles in units in the last place, for positive finite values. */
function ulpDistance(a: number, b: number): number {
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  return Number(view.getBigInt64(0) - view.getBigInt64(8));
}

/** Returns the median time of `reps` calls in milliseconds, and the last result. */
function timeIt<T>(reps: number, task: () => T): { ms: number; result: T } {
  const times: number[] = [];
  let result!: T;
  for (let rep = 0; rep < reps; rep++) {
    const start = performance.now();
    result = task();
    times.push(performance.now() - start);
  }
  return { ms: medianOf(times), result };
}

function simpleStatisticsSummary(values: ArrayLike<number>) {
  const list = values as number[];
  return {
    min: simpleStatistics.min(list),
    max: simpleStatistics.max(list),
    mean: simpleStatistics.mean(list),
    median: simpleStatistics.median(list),
  };
}

function sortMedian(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  return (sorted[(n - 1) >> 1] as number) / 2 + (sorted[n >> 1] as number) / 2;
}

/**
 * Runs every contender on small arrays of both layouts first, so that the first measured data set
 * does not pay for JIT compilation that the later ones are spared.
 */
function warmUp(): void {
  for (const [index, distribution] of DISTRIBUTIONS.entries()) {
    const typed = new Float64Array(100_000);
    distribution.fill(typed, seededRandom(index));
    for (const values of [typed, Array.from(typed)]) {
      for (let rep = 0; rep < 3; rep++) {
        summarize(values);
        simpleStatisticsSummary(values);
        sortMedian(values);
      }
    }
  }
}

export async function benchStatsCore(settings: BenchSettings, log: (line: string) => void): Promise<BenchmarkReport> {
  const startedAt = performance.now();
  const sizes = settings.quick ? [100_000] : [1_000_000, 10_000_000];
  const rows: string[][] = [];
  const driftRows: string[][] = [];
  let allExact = true;
  let worstVsSimple = 0;
  let worstVsSort = Infinity;

  warmUp();
  for (const size of sizes) {
    let reps = size >= 10_000_000 ? 3 : 5;
    if (settings.quick) reps = 1;
    for (const [index, distribution] of DISTRIBUTIONS.entries()) {
      const typed = new Float64Array(size);
      distribution.fill(typed, seededRandom(1000 * index + size));
      const oracle = exactOracle(typed);

      for (const layout of ['Array', 'Float64Array'] as const) {
        const values: ArrayLike<number> = layout === 'Array' ? Array.from(typed) : typed;
        const ours = timeIt(reps, () => summarize(values));
        const theirs = timeIt(reps, () => simpleStatisticsSummary(values));
        const sorted = timeIt(size >= 10_000_000 ? 1 : reps, () => sortMedian(values));

        const exact =
          ours.result.min === oracle.min && ours.result.max === oracle.max && ours.result.mean === oracle.mean && ours.result.median === oracle.median;
        const theirsExact = theirs.result.mean === oracle.mean && theirs.result.median === oracle.median;
        allExact &&= exact;
        worstVsSimple = Math.max(worstVsSimple, ours.ms / theirs.ms);
        worstVsSort = Math.min(worstVsSort, sorted.ms / ours.ms);

        rows.push([
          formatNumber(size),
          distribution.name,
          layout,
          formatNumber(ours.ms, 1),
          formatNumber(theirs.ms, 1),
          formatNumber(sorted.ms, 1),
          formatRatio(ours.ms / theirs.ms),
          formatNumber(sorted.ms / ours.ms, 1),
          exact ? 'yes' : 'NO',
          theirsExact ? 'yes' : `no (mean ${ulpDistance(theirs.result.mean, oracle.mean)} ulp)`,
        ]);
        log(`stats-core: ${formatNumber(size)} ${distribution.name} ${layout}: summarize ${ours.ms.toFixed(1)} ms, simple-statistics ${theirs.ms.toFixed(1)} ms`);
      }
      driftRows.push([
        formatNumber(size),
        distribution.name,
        String(oracle.mean),
        String(ulpDistance(oracle.floatSumMean, oracle.mean)),
        String(ulpDistance(simpleStatistics.mean(Array.from(typed)), oracle.mean)),
      ]);
    }
  }

  return {
    id: '5',
    title: 'stats-core summarize on large arrays',
    seconds: (performance.now() - startedAt) / 1000,
    tables: [
      {
        title: 'Median time per call in milliseconds (5 calls for 10^6, 3 for 10^7; the sort-based median once for 10^7)',
        columns: [
          'n',
          'distribution',
          'input',
          'summarize',
          'simple-statistics',
          'sort median',
          'summarize / simple-statistics',
          'sort / summarize',
          'summarize exact',
          'simple-statistics exact',
        ],
        rows,
        notes: [
          'summarize computes count, min, max, mean and median in one call; the simple-statistics column is min, max, mean and median ' +
            'called one after the other; the sort column copies into a Float64Array, sorts it and takes the middle. "Exact" compares ' +
            'with a BigInt sum rounded once to the nearest double and with the middle of a sorted copy.',
        ],
      },
      {
        title: 'Mean error in units in the last place (ulp) against the exact mean',
        columns: ['n', 'distribution', 'exact mean', 'double sum / n', 'simple-statistics mean'],
        rows: driftRows,
      },
    ],
    targets: [
      { target: 'summarize results exact on every data set', measured: allExact ? 'all exact' : 'some differ', met: allExact },
      {
        target: 'summarize at least as fast as simple-statistics on every data set',
        measured: `slowest ratio ${formatRatio(worstVsSimple)}`,
        met: worstVsSimple <= TARGET_VS_SIMPLE_STATISTICS,
      },
      {
        target: `summarize at least ${TARGET_VS_SORT}x faster than the sort-based median on every data set`,
        measured: `smallest speed-up ${formatNumber(worstVsSort, 1)}x`,
        met: worstVsSort >= TARGET_VS_SORT,
      },
    ],
  };
}
