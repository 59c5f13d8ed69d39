// Benchmark 3: the label file under contention. Simulated annotators over 3 worker processes on
// the S3 server, each posting its answers one request per answer, against two baselines in the
// same run: one conditional write per answer without batching, and the naive read-modify-write
// without preconditions that loses answers.
import { randomBytes, randomUUID } from 'node:crypto';

import { LABEL_CSV_COLUMNS, parseCsv, S3Store } from '../packages/label-store/dist/index.js';
import { findLogLine, runScript, startWorker, type ServerProcess } from './lib/child.js';
import { formatNumber, formatRatio, medianOf } from './lib/numbers.js';
import type { BenchmarkReport } from './lib/report.js';
import { createTestBucket, makeTestS3Client, s3TestEnv, type BenchS3 } from './lib/s3.js';
import type { BenchSettings } from './lib/settings.js';

const BASELINE_SCRIPT = 'bench/labels/append-baseline.ts';
const PROCESS_COUNT = 3;

/** Batching should reach at least this many times the answers/s of one conditional write per answer. */
const TARGET_SPEEDUP = 5;

/** Time for the baseline processes to start before their common start time. */
const BASELINE_START_DELAY_MS = 3_000;

interface LabelStats {
  writes: number;
  conflicts: number;
  retries: number;
  failures: number;
}

/** Outcome of one way of appending, checked against the stored label file. */
interface ContentionResult {
  name: string;
  acknowledged: number;
  failedRequests: number;
  seconds: number;
  latencies: number[];
  conflicts: number;
  retries: number;
  /** Acknowledged answers whose id is not in the file. */
  lost: number;
  /** Answer ids that occur more than once in the file. */
  duplicated: number;
}

export async function benchLabelContention(settings: BenchSettings, log: (line: string) => void, s3: BenchS3): Promise<BenchmarkReport> {
  const startedAt = performance.now();
  const annotatorCount = settings.quick ? 6 : 32;
  const answersPerAnnotator = settings.quick ? 2 : 4;
  const baselineBudgetMs = settings.quick ? 15_000 : 60_000;
  const bucket = await createTestBucket(s3.endpoint, 'bench-labels');
  const annotators = Array.from({ length: annotatorCount }, (_, i) => `annotator-${String(i + 1).padStart(2, '0')}`);

  const batched = await runWorkers(annotators, answersPerAnnotator, s3, bucket);
  log(`label contention: batched ${formatNumber(batched.acknowledged / batched.seconds)} answers/s, lost ${batched.lost}`);

  const imageIds = Array.from({ length: 24 }, () => randomBytes(32).toString('hex'));
  const unbatched = await runBaseline('unbatched', 'one conditional write per answer', annotators, answersPerAnnotator, imageIds, baselineBudgetMs, s3, bucket);
  log(`label contention: unbatched ${formatNumber(unbatched.acknowledged / unbatched.seconds)} answers/s, lost ${unbatched.lost}`);
  const naive = await runBaseline('naive', 'naive read-modify-write, no precondition', annotators, answersPerAnnotator, imageIds, baselineBudgetMs, s3, bucket);
  log(`label contention: naive ${formatNumber(naive.acknowledged / naive.seconds)} answers/s, lost ${naive.lost}`);

  const rate = (result: ContentionResult) => result.acknowledged / result.seconds;
  const speedup = rate(batched) / rate(unbatched);
  const results = [batched, unbatched, naive];

  return {
    id: '3',
    title: 'Label file under contention',
    seconds: (performance.now() - startedAt) / 1000,
    tables: [
      {
        title: `${annotatorCount} annotators over ${PROCESS_COUNT} processes on the S3 server, ${answersPerAnnotator} answers each, one answer per request`,
        columns: [
          'writer',
          'answers acknowledged',
          'failed',
          'answers/s',
          'ratio to unbatched',
          'median ack (ms)',
          'p99 ack (ms)',
          'retries per answer',
          'conflicts per answer',
          'lost',
          'duplicated',
        ],
        rows: results.map((result) => [
          result.name,
          String(result.acknowledged),
          String(result.failedRequests),
          formatNumber(rate(result), 1),
          formatRatio(rate(result) / rate(unbatched)),
          formatNumber(result.latencies.length > 0 ? medianOf(result.latencies) : NaN),
          formatNumber(percentile(result.latencies, 0.99)),
          formatRatio(result.retries / Math.max(result.acknowledged, 1)),
          formatRatio(result.conflicts / Math.max(result.acknowledged, 1)),
          String(result.lost),
          String(result.duplicated),
        ]),
        notes: [
          'Batched: the worker processes, where each annotator fetches a sample from one worker and posts each answer to the next; ' +
            'retries and conflicts come from the workers\' stop log lines. The baselines run the same annotators in 3 plain ' +
            `processes that use label-store directly (no HTTP) and start no new answer after ${baselineBudgetMs / 1000} s. ` +
            '"Lost" counts acknowledged answers missing from the stored file; the naive writer has no conflicts to count.',
        ],
      },
    ],
    targets: [
      {
        target: `batched answers/s at least ${TARGET_SPEEDUP}x one conditional write per answer`,
        measured: `${formatNumber(speedup, 1)}x`,
        met: speedup >= TARGET_SPEEDUP,
      },
      {
        target: 'batched: no answer lost or duplicated',
        measured: `${batched.lost} lost, ${batched.duplicated} duplicated, ${batched.failedRequests} failed requests`,
        met: batched.lost === 0 && batched.duplicated === 0 && batched.failedRequests === 0,
      },
    ],
  };
}

async function runWorkers(annotators: string[], answersPerAnnotator: number, s3: BenchS3, bucket: string): Promise<ContentionResult> {
  const args = ['--storage', `s3://${bucket}/batched`, '--s3-endpoint', s3.endpoint];
  const env = s3TestEnv(s3.endpoint);
  const workers: ServerProcess[] = [];
  try {
    // The first worker seeds the demo images; the others list them when their catalog starts.
    workers.push(await startWorker([...args, '--seed-demo'], env));
    for (let i = 1; i < PROCESS_COUNT; i++) workers.push(await startWorker(args, env));

    const samples = await Promise.all(annotators.map((annotator, i) => fetchSample(workers[i % PROCESS_COUNT]!.url, annotator, answersPerAnnotator)));
    const latencies: number[] = [];
    const acknowledgedIds: string[] = [];
    let failedRequests = 0;

    const loadStartedAt = performance.now();
    await Promise.all(
      annotators.map(async (annotator, i) => {
        const worker = workers[(i + 1) % PROCESS_COUNT]!;
        for (const [index, image] of samples[i]!.entries()) {
          const answer = { answerId: randomUUID(), image, label: (i + index) % 2 };
          const sentAt = performance.now();
          const response = await fetch(`${worker.url}/v1/labels`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ annotator, answers: [answer] }),
          });
          await response.text();
          if (response.status === 200) {
            latencies.push(performance.now() - sentAt);
            acknowledgedIds.push(answer.answerId);
          } else {
            failedRequests += 1;
          }
        }
      }),
    );
    const seconds = (performance.now() - loadStartedAt) / 1000;

    await Promise.all(workers.map((worker) => worker.stop()));
    const stats = workers.map((worker) => findLogLine<{ labels?: LabelStats }>(worker.output(), 'worker stopped')?.labels);
    const check = await checkLabelFile(s3.endpoint, bucket, 'batched', acknowledgedIds);
    return {
      name: `worker, batched (${PROCESS_COUNT} processes)`,
      acknowledged: acknowledgedIds.length,
      failedRequests,
      seconds,
      latencies,
      conflicts: stats.reduce((sum, entry) => sum + (entry?.conflicts ?? 0), 0),
      retries: stats.reduce((sum, entry) => sum + (entry?.retries ?? 0), 0),
      ...check,
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
  }
}

async function fetchSample(url: string, annotator: string, count: number): Promise<string[]> {
  const response = await fetch(`${url}/v1/images/sample?annotator=${encodeURIComponent(annotator)}&count=${count}`);
  const body = (await response.json()) as { images?: { id: string }[] };
  if (response.status !== 200 || !body.images) throw new Error(`sample for ${annotator} failed with HTTP ${response.status}: ${JSON.stringify(body)}`);
  return body.images.map((image) => image.id);
}

interface BaselineOutput {
  acknowledged: { answerId: string; latencyMs: number; at: number }[];
  failures: number;
  conflicts: number;
  retries: number;
}

async function runBaseline(
  mode: 'unbatched' | 'naive',
  name: string,
  annotators: string[],
  answersPerAnnotator: number,
  images: string[],
  budgetMs: number,
  s3: BenchS3,
  bucket: string,
): Promise<ContentionResult> {
  const startAt = Date.now() + BASELINE_START_DELAY_MS;
  const groups = Array.from({ length: PROCESS_COUNT }, (_, process) => annotators.filter((_, i) => i % PROCESS_COUNT === process));
  const env = {
    ...s3TestEnv(s3.endpoint),
    BENCH_MODE: mode,
    BENCH_S3_ENDPOINT: s3.endpoint,
    BENCH_BUCKET: bucket,
    BENCH_PREFIX: mode,
    BENCH_ANSWERS: String(answersPerAnnotator),
    BENCH_IMAGES: images.join(','),
    BENCH_START_AT: String(startAt),
    BENCH_STOP_STARTING_AT: String(startAt + budgetMs),
  };
  // A started append may retry for up to 30 s (the LabelFile default) after the budget.
  const timeoutMs = BASELINE_START_DELAY_MS + budgetMs + 45_000;
  const outputs = await Promise.all(groups.map((group) => runScript(BASELINE_SCRIPT, { ...env, BENCH_ANNOTATORS: group.join(',') }, timeoutMs)));
  const results = outputs.map((output) => findLogLine<BaselineOutput>(output, 'done')!);

  const acknowledged = results.flatMap((result) => result.acknowledged);
  const lastAt = Math.max(startAt, ...acknowledged.map((entry) => entry.at));
  const check = await checkLabelFile(s3.endpoint, bucket, mode, acknowledged.map((entry) => entry.answerId));
  return {
    name,
    acknowledged: acknowledged.length,
    failedRequests: results.reduce((sum, result) => sum + result.failures, 0),
    seconds: (lastAt - startAt) / 1000,
    latencies: acknowledged.map((entry) => entry.latencyMs),
    conflicts: results.reduce((sum, result) => sum + result.conflicts, 0),
    retries: results.reduce((sum, result) => sum + result.retries, 0),
    ...check,
  };
}

/** Reads the label file under `prefix` and counts acknowledged answers that are missing or repeated. */
async function checkLabelFile(endpoint: string, bucket: string, prefix: string, acknowledgedIds: string[]): Promise<{ lost: number; duplicated: number }> {
  const client = makeTestS3Client(endpoint);
  const store = new S3Store({ bucket, prefix, client });
  try {
    const object = await store.get('labels/labels.csv');
    const records = object ? parseCsv(new TextDecoder().decode(object.body)).map((record) => record.fields) : [];
    if (records.length > 0 && records[0]!.join(',') !== LABEL_CSV_COLUMNS.join(',')) throw new Error(`label file under ${prefix} has an unexpected header`);

    const counts = new Map<string, number>();
    for (const row of records.slice(1)) counts.set(row[0]!, (counts.get(row[0]!) ?? 0) + 1);
    return {
      lost: acknowledgedIds.filter((id) => !counts.has(id)).length,
      duplicated: [...counts.values()].filter((count) => count > 1).length,
    };
  } finally {
    client.destroy();
  }
}

function percentile(values: readonly number[], share: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]!;
}
