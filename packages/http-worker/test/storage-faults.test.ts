import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { parseLabelRows } from '@hotdog-lab/label-store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFaultProxy } from '../../../test-support/fault-proxy.js';
import { createTestBucket, deleteTestBucket, makeTestS3Client, s3TestEnv } from '../../../test-support/s3-test-utils.js';
import { keepAliveAgent, runLoad, sendRaw } from './_load.js';
import { startWorkerProcess } from './_worker-process.js';

const STATS_REQUESTS = 300;
const LABEL_POSTS = 60;
const IMAGE_GETS = 60;
const CONCURRENCY = 8;
const LOAD_TIME_CAP_MS = 60_000;
/** Sends of one label post, as a client would retry a 503. */
const MAX_LABEL_SENDS = 8;
const DRAIN_TIMEOUT_MS = 60_000;

/** Bodies and the median each must return, whatever the store does. */
const STATS_CASES = [
  { body: '{"numbers":[10,9,8,100]}', median: 9.5 },
  { body: '{"numbers":[4,8,15,16,23,42]}', median: 15.5 },
  { body: '{"numbers":[7]}', median: 7 },
];

/** Statuses a storage failure may produce; anything else (500 above all) is a bug. */
const STORAGE_FAILURE_STATUSES = [502, 503];

describe('worker with S3 behind a fault-injecting proxy', () => {
  let endpoint: string;
  let dir: string;

  beforeAll(async () => {
    endpoint = inject('s3Endpoint');
    dir = await mkdtemp(join(tmpdir(), 'hotdog-faults-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    { rate: 0.1, seed: 10 },
    { rate: 0.3, seed: 30 },
  ])('loses and duplicates nothing at $rate faults', async ({ rate, seed }) => {
    const bucket = await createTestBucket(endpoint, 'faults');
    const proxy = await startFaultProxy({ target: endpoint, faultRate: 0, seed, stallMs: 2_500 });
    const s3 = makeTestS3Client(endpoint);
    const agent = keepAliveAgent(CONCURRENCY);
    const worker = await startWorkerProcess(
      [
        '--storage', `s3://${bucket}`,
        '--s3-endpoint', proxy.url,
        '--s3-request-timeout', '1',
        '--s3-max-attempts', '4',
        '--spool-dir', join(dir, `spool-${seed}`),
        '--seed-demo',
        '--rate-limit-per-minute', '0',
      ],
      s3TestEnv(endpoint),
    );

    try {
      const sample = (await (await fetch(`${worker.url}/v1/images/sample?annotator=fault-test&count=24`)).json()) as { images: { id: string }[] };
      const imageIds = sample.images.map((image) => image.id);
      expect(imageIds).toHaveLength(24);
      proxy.setFaultRate(rate);

      // Stats answers never depend on the store.
      const statsIds: string[] = [];
      await runLoad({ total: STATS_REQUESTS, concurrency: CONCURRENCY, timeCapMs: LOAD_TIME_CAP_MS }, async (index) => {
        const testCase = STATS_CASES[index % STATS_CASES.length]!;
        const response = await sendRaw(worker.url, { method: 'POST', path: '/v1/stats', headers: { 'content-type': 'application/json' }, body: [testCase.body], agent });
        expect(response.status).toBe(200);
        expect((JSON.parse(response.body) as { median: number }).median).toBe(testCase.median);
        statsIds.push(String(response.headers['x-request-id']));
      });
      expect(statsIds).toHaveLength(STATS_REQUESTS);

      // Label posts, each sent again after a 503 as the API asks.
      const acknowledged: string[] = [];
      const statuses = new Map<number, number>();
      await runLoad({ total: LABEL_POSTS, concurrency: CONCURRENCY, timeCapMs: LOAD_TIME_CAP_MS }, async (index) => {
        const answers = [0, 1].map((offset) => ({ image: imageIds[(index + offset) % imageIds.length]!, label: offset, answerId: randomUUID() }));
        const body = JSON.stringify({ annotator: `fault-${index % 5}`, answers });
        for (let send = 1; send <= MAX_LABEL_SENDS; send += 1) {
          const response = await sendRaw(worker.url, { method: 'POST', path: '/v1/labels', headers: { 'content-type': 'application/json' }, body: [body], agent });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (response.status === 200) {
            acknowledged.push(...answers.map((answer) => answer.answerId));
            return;
          }
          expect(response.status, response.body).toBe(503);
          expect((JSON.parse(response.body) as { error: { code: string } }).error.code).toMatch(/^(LABEL_APPEND_CONFLICT|LABEL_STORAGE_FAILED|STORAGE_UNAVAILABLE)$/);
          expect(response.headers['retry-after']).toBeDefined();
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      });

      // Image reads: the image or a JSON storage error.
      const imageStatuses = new Map<number, number>();
      await runLoad({ total: IMAGE_GETS, concurrency: CONCURRENCY, timeCapMs: LOAD_TIME_CAP_MS }, async (index) => {
        const id = imageIds[index % imageIds.length]!;
        const response = await fetch(`${worker.url}/v1/images/${id}`);
        imageStatuses.set(response.status, (imageStatuses.get(response.status) ?? 0) + 1);
        if (response.status === 200) {
          const bytes = Buffer.from(await response.arrayBuffer());
          expect(createHash('sha256').update(bytes).digest('hex')).toBe(id);
          return;
        }
        expect(STORAGE_FAILURE_STATUSES).toContain(response.status);
        const json = (await response.json()) as { error: { code: string } };
        expect(json.error.code).toBe('STORAGE_UNAVAILABLE');
      });

      proxy.setFaultRate(0);
      expect(worker.child.exitCode).toBeNull();
      expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);

      // Every stats request has exactly one log object once the worker has caught up.
      const deadline = Date.now() + DRAIN_TIMEOUT_MS;
      let logKeys: string[] = [];
      while (Date.now() < deadline) {
        logKeys = await listKeys(s3, bucket, 'logs/stats/');
        if (logKeys.length >= STATS_REQUESTS) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const loggedIds = logKeys.map((key) => /-([0-9a-f-]{36})\.txt$/.exec(key)?.[1]);
      expect(new Set(loggedIds).size).toBe(logKeys.length);
      expect(statsIds.filter((id) => !loggedIds.includes(id))).toEqual([]);
      expect(logKeys).toHaveLength(STATS_REQUESTS);

      // Every acknowledged answer is in the label file once, and no answer is there twice.
      const csv = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'labels/labels.csv' }))).Body!.transformToString();
      const fileIds = parseLabelRows(csv, 'labels/labels.csv', { header: true, firstLine: 1 }).map((row) => row.answer.answerId);
      expect(new Set(fileIds).size).toBe(fileIds.length);
      expect(acknowledged.filter((id) => !fileIds.includes(id))).toEqual([]);

      // Readiness recovers once the faults stop; the probe result is cached for 5 s.
      let ready = 0;
      for (let attempt = 0; attempt < 40 && ready !== 200; attempt += 1) {
        ready = (await fetch(`${worker.url}/readyz`)).status;
        if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(ready).toBe(200);

      console.log(
        `fault test at ${rate}: proxy ${JSON.stringify(proxy.counts)}; label statuses ${JSON.stringify(Object.fromEntries(statuses))}; ` +
          `image statuses ${JSON.stringify(Object.fromEntries(imageStatuses))}; ${acknowledged.length} answers acknowledged, ${logKeys.length} log objects`,
      );
    } finally {
      agent.destroy();
      expect(await worker.stop()).toBe(0);
      await proxy.close();
      s3.destroy();
      await deleteTestBucket(endpoint, bucket);
    }
  }, 180_000);
});

describe('worker while S3 fails every request', () => {
  it('answers storage errors as 503 JSON and keeps stats and logs', async () => {
    const endpoint = inject('s3Endpoint');
    const dir = await mkdtemp(join(tmpdir(), 'hotdog-outage-'));
    const bucket = await createTestBucket(endpoint, 'outage');
    const proxy = await startFaultProxy({ target: endpoint, faultRate: 0, seed: 7, kinds: ['internal-error', 'slow-down', 'reset'] });
    const s3 = makeTestS3Client(endpoint);
    const worker = await startWorkerProcess(
      ['--storage', `s3://${bucket}`, '--s3-endpoint', proxy.url, '--s3-request-timeout', '1', '--s3-max-attempts', '2', '--spool-dir', join(dir, 'spool'), '--seed-demo'],
      s3TestEnv(endpoint),
    );

    try {
      const sample = (await (await fetch(`${worker.url}/v1/images/sample?annotator=outage&count=2`)).json()) as { images: { id: string }[] };
      proxy.setFaultRate(1);

      const image = await fetch(`${worker.url}/v1/images/${sample.images[0]!.id}`);
      expect(image.status).toBe(503);
      expect(image.headers.get('retry-after')).toBe('5');
      expect(((await image.json()) as { error: { code: string } }).error.code).toBe('STORAGE_UNAVAILABLE');

      const labels = await fetch(`${worker.url}/v1/labels`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ annotator: 'outage', answers: [{ image: sample.images[0]!.id, label: 1, answerId: randomUUID() }] }),
      });
      expect(labels.status).toBe(503);

      const ready = await fetch(`${worker.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { error: { code: string; details: { reason: string } } }).error.details.reason).toMatch(/storage/);
      expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);

      const stats = await fetch(`${worker.url}/v1/stats`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"numbers":[10,9,8,100]}' });
      expect(stats.status).toBe(200);
      const requestId = stats.headers.get('x-request-id')!;

      proxy.setFaultRate(0);
      let keys: string[] = [];
      for (let attempt = 0; attempt < 120 && keys.length === 0; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        keys = await listKeys(s3, bucket, 'logs/stats/');
      }
      expect(keys).toHaveLength(1);
      expect(keys[0]).toContain(requestId);
      expect(worker.child.exitCode).toBeNull();
    } finally {
      expect(await worker.stop()).toBe(0);
      await proxy.close();
      s3.destroy();
      await deleteTestBucket(endpoint, bucket);
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

async function listKeys(s3: ReturnType<typeof makeTestS3Client>, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((entry) => entry.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}
