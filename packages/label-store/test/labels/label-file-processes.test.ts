import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { FsStore } from '../../src/fs-store.js';
import { LabelFile, type LabelFileStats } from '../../src/labels/label-file.js';
import type { ObjectStore } from '../../src/object-store.js';
import { S3Store } from '../../src/s3-store.js';
import { createTestBucket, deleteTestBucket, makeTestS3Client, s3TestEnv } from '../../../../test-support/s3-test-utils.js';
import { workerAnswer } from './fixtures/worker-answers.js';

// Several processes append to the same label file at once; afterwards every answer must be in it exactly once.

const run = promisify(execFile);

/** Processes; LABEL_APPEND_BENCH_WORKERS changes it for measurements. */
const WORKERS = Number(process.env.LABEL_APPEND_BENCH_WORKERS ?? 3);
/** 8 annotators × 5 answers: 40 answers per process, sent as 40 single-answer requests. */
const ANNOTATORS = 8;
const ANSWERS_PER_ANNOTATOR = 5;
/** Upper bound for one worker process; it needs about 1 s, most of it Node.js and AWS SDK startup. */
const WORKER_TIMEOUT_MS = 30_000;
/**
 * Delay from starting the processes to their common start of appending. Startup took 0.3 to
 * 0.6 s on a 2-core machine. A worker that is ready later begins at once, so on a slow machine
 * the workers only overlap less.
 */
const START_DELAY_MS = 1_500;

const endpoint = inject('s3Endpoint');
const client = makeTestS3Client(endpoint);
let dir: string;
let bucket: string;
let workerScript: string;

interface WorkerReport {
  pid: number;
  /** Time from the common start to the worker's last append, in milliseconds. */
  elapsedMs: number;
  /** Epoch milliseconds of the worker's last append. */
  finishedAt: number;
  /** Highest attempt number that one of the worker's batches needed. */
  maxAttempt: number;
  stats: LabelFileStats;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hotdog-label-processes-'));
  bucket = await createTestBucket(endpoint, 'label-processes');
  // Node 20 cannot run TypeScript, so the worker and the store sources (with the AWS SDK) are
  // bundled into one file that runs from the temp folder.
  await build({
    entry: { 'label-append-worker': fileURLToPath(new URL('./fixtures/label-append-worker.ts', import.meta.url)) },
    outDir: join(dir, 'bin'),
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    config: false,
    silent: true,
    dts: false,
    sourcemap: false,
    noExternal: [/.*/],
    outExtension: () => ({ js: '.mjs' }),
  });
  workerScript = join(dir, 'bin', 'label-append-worker.mjs');
});

afterAll(async () => {
  await deleteTestBucket(endpoint, bucket);
  client.destroy();
  await rm(dir, { recursive: true, force: true });
});

/** Starts WORKERS processes that append to `url` from a common start time and returns their reports. */
async function runWorkers(url: string, annotators: number, answersPerAnnotator: number, startAt: number): Promise<WorkerReport[]> {
  const results = await Promise.all(
    Array.from({ length: WORKERS }, (_, worker) =>
      run(process.execPath, [workerScript, url, String(worker), String(annotators), String(answersPerAnnotator), String(startAt)], {
        timeout: WORKER_TIMEOUT_MS,
        env: { ...process.env, ...s3TestEnv(endpoint) },
      }),
    ),
  );
  return results.map((result) => JSON.parse(result.stdout) as WorkerReport);
}

/** Checks that the label file contains exactly the answers of every worker, once each. */
async function expectAllAnswers(store: ObjectStore, annotators: number, answersPerAnnotator: number): Promise<void> {
  const answers = await new LabelFile(store).readAnswers();
  const expected = new Set<string>();
  for (let worker = 0; worker < WORKERS; worker++) {
    for (let annotator = 0; annotator < annotators; annotator++) {
      for (let index = 0; index < answersPerAnnotator; index++) expected.add(workerAnswer(worker, annotator, index).answerId);
    }
  }

  expect(answers).toHaveLength(expected.size);
  expect(new Set(answers.map((answer) => answer.answerId))).toEqual(expected);
}

function totals(reports: WorkerReport[]) {
  const sum = (name: keyof LabelFileStats) => reports.reduce((total, report) => total + report.stats[name], 0);
  return { appendCalls: sum('appendCalls'), writes: sum('writes'), conflicts: sum('conflicts'), retries: sum('retries'), failures: sum('failures') };
}

describe('label file across processes', () => {
  it('fs store loses no answer', async () => {
    const root = join(dir, 'store');

    const reports = await runWorkers(`fs:${root}`, ANNOTATORS, ANSWERS_PER_ANNOTATOR, Date.now() + START_DELAY_MS);

    await expectAllAnswers(new FsStore(root), ANNOTATORS, ANSWERS_PER_ANNOTATOR);
    expect(new Set(reports.map((report) => report.pid)).size).toBe(WORKERS);
    expect(totals(reports)).toMatchObject({ appendCalls: WORKERS * ANNOTATORS * ANSWERS_PER_ANNOTATOR, failures: 0 });
  });

  it('S3 store loses no answer', async () => {
    const reports = await runWorkers(`s3://${bucket}/same-file`, ANNOTATORS, ANSWERS_PER_ANNOTATOR, Date.now() + START_DELAY_MS);

    await expectAllAnswers(new S3Store({ bucket, prefix: 'same-file', client }), ANNOTATORS, ANSWERS_PER_ANNOTATOR);
    expect(totals(reports)).toMatchObject({ failures: 0 });
  });

  // A measurement, not a check: run with LABEL_APPEND_BENCH=1 to print the throughput of
  // 3 processes × 30 annotators × 4 single-answer requests on the S3 test server.
  it.runIf(process.env.LABEL_APPEND_BENCH === '1')('S3 append throughput', async () => {
    const annotators = Number(process.env.LABEL_APPEND_BENCH_ANNOTATORS ?? 30);
    const answersPerAnnotator = Number(process.env.LABEL_APPEND_BENCH_ANSWERS ?? 4);
    const startAt = Date.now() + START_DELAY_MS;

    const reports = await runWorkers(`s3://${bucket}/bench-${startAt}`, annotators, answersPerAnnotator, startAt);

    const wallMs = Math.max(...reports.map((report) => report.finishedAt)) - startAt;
    await expectAllAnswers(new S3Store({ bucket, prefix: `bench-${startAt}`, client }), annotators, answersPerAnnotator);
    const answers = WORKERS * annotators * answersPerAnnotator;
    console.log(
      JSON.stringify({
        workers: WORKERS,
        answers,
        wallMs,
        answersPerSecond: Math.round((answers / wallMs) * 1000),
        maxAttempt: Math.max(...reports.map((report) => report.maxAttempt)),
        ...totals(reports),
        perWorker: reports.map((report) => ({ elapsedMs: report.elapsedMs, ...report.stats })),
      }),
    );
  });
});
