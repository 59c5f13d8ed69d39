import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { LABEL_CSV_COLUMNS, parseCsv } from '@hotdog-lab/label-store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestBucket, makeTestS3Client, s3TestEnv } from '../../../test-support/s3-test-utils.js';
import { fetchSample, makeAnswers, postLabels, type PostedAnswer } from './_labeling-client.js';
import { startWorkerProcess, type WorkerProcess } from './_worker-process.js';

const WORKER_COUNT = 3;
const ANNOTATOR_COUNT = 30;
const ANSWERS_PER_ANNOTATOR = 4;

interface Backend {
  args: string[];
  env: NodeJS.ProcessEnv;
}

interface LabelRunResult {
  sent: PostedAnswer[];
  /** The `labels` counters each worker logged when it stopped. */
  labelStats: { writes: number; conflicts: number; retries: number; failures: number }[];
}

/**
 * Starts WORKER_COUNT worker processes on one store, then has ANNOTATOR_COUNT annotators each
 * fetch a sample from one worker and post their answers to another, all at the same time.
 */
async function labelConcurrently(backend: Backend): Promise<LabelRunResult> {
  const workers: WorkerProcess[] = [];
  try {
    // The first worker seeds the demo images; the others find them when their catalog starts.
    workers.push(await startWorkerProcess([...backend.args, '--seed-demo'], backend.env));
    for (let i = 1; i < WORKER_COUNT; i += 1) {
      workers.push(await startWorkerProcess(backend.args, backend.env));
    }

    const annotators = Array.from({ length: ANNOTATOR_COUNT }, (_, i) => `annotator-${String(i + 1).padStart(2, '0')}`);
    const results = await Promise.all(
      annotators.map(async (annotator, i) => {
        const sampleWorker = workers[i % WORKER_COUNT]!;
        const postWorker = workers[(i + 1) % WORKER_COUNT]!;
        const sample = await fetchSample(sampleWorker.url, annotator, ANSWERS_PER_ANNOTATOR);
        expect(sample.images).toHaveLength(ANSWERS_PER_ANNOTATOR);

        const answers = makeAnswers(sample.images, (index) => ((i + index) % 2 === 0 ? 1 : 0));
        const response = await postLabels(postWorker.url, { annotator, answers });
        expect(response.status, await response.clone().text()).toBe(200);
        expect(await response.json()).toEqual({ recorded: ANSWERS_PER_ANNOTATOR, duplicates: 0 });
        return answers;
      }),
    );
    const codes = await Promise.all(workers.map((worker) => worker.stop()));
    expect(codes).toEqual(workers.map(() => 0));
    return { sent: results.flat(), labelStats: workers.map(stoppedLabelStats) };
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
  }
}

function stoppedLabelStats(worker: WorkerProcess): LabelRunResult['labelStats'][number] {
  const line = worker
    .output()
    .split('\n')
    .find((text) => text.includes('"msg":"worker stopped"'));
  expect(line, worker.output()).toBeDefined();
  return (JSON.parse(line!) as { labels: LabelRunResult['labelStats'][number] }).labels;
}

/** Every failed write attempt is followed by a retry, and no append gave up. */
function expectRetriesAccounted(stats: LabelRunResult['labelStats']): void {
  for (const workerStats of stats) {
    expect(workerStats.failures).toBe(0);
    expect(workerStats.retries).toBeGreaterThanOrEqual(workerStats.conflicts);
  }
  const writes = stats.reduce((sum, workerStats) => sum + workerStats.writes, 0);
  expect(writes).toBeGreaterThan(0);
  expect(writes).toBeLessThanOrEqual(ANNOTATOR_COUNT);
}

function expectEveryAnswerOnce(text: string, sent: PostedAnswer[]): void {
  const records = parseCsv(text).map((record) => record.fields);
  expect(records[0]).toEqual([...LABEL_CSV_COLUMNS]);

  const rows = records.slice(1);
  expect(rows).toHaveLength(ANNOTATOR_COUNT * ANSWERS_PER_ANNOTATOR);

  const byId = new Map(rows.map((row) => [row[0], row]));
  expect(byId.size).toBe(rows.length);
  for (const answer of sent) {
    const row = byId.get(answer.answerId);
    expect(row, `row for answer ${answer.answerId}`).toBeDefined();
    expect(row![1]).toBe(answer.image);
    expect(row![2]).toBe(String(answer.label));
    expect(row![4]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  }
}

describe('3 worker processes on one local folder', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hotdog-labels-fs-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('loses no answer from 30 annotators', async () => {
    const { sent, labelStats } = await labelConcurrently({ args: ['--storage', `fs:${dataDir}`], env: {} });

    expectEveryAnswerOnce(await readFile(join(dataDir, 'labels/labels.csv'), 'utf8'), sent);
    expectRetriesAccounted(labelStats);
  });
});

describe('3 worker processes on the S3 server', () => {
  let endpoint: string;
  let bucket: string;
  let s3: S3Client;

  beforeAll(async () => {
    endpoint = inject('s3Endpoint');
    bucket = await createTestBucket(endpoint);
    s3 = makeTestS3Client(endpoint);
  });

  afterAll(() => {
    s3?.destroy();
  });

  it('loses no answer from 30 annotators', async () => {
    const readLabelFile = async () => {
      const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'shared/labels/labels.csv' }));
      return response.Body!.transformToString();
    };
    const { sent, labelStats } = await labelConcurrently({
      args: ['--storage', `s3://${bucket}/shared`, '--s3-endpoint', endpoint],
      env: s3TestEnv(endpoint),
    });

    expectEveryAnswerOnce(await readLabelFile(), sent);
    expectRetriesAccounted(labelStats);
    console.info(`label appends on the S3 server, per worker: ${JSON.stringify(labelStats)}`);
  });
});
