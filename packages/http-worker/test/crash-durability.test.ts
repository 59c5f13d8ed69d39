import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parseLabelRows } from '@hotdog-lab/label-store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestBucket, deleteTestBucket, makeTestS3Client, s3TestEnv } from '../../../test-support/s3-test-utils.js';
import { keepAliveAgent, runLoad, sendRaw } from './_load.js';
import { startWorkerProcess, type WorkerProcess } from './_worker-process.js';

/** Load bounds: enough requests that the kill lands mid-load, few enough for a 2-core CI machine. */
const STATS_REQUESTS = 2_000;
const CONCURRENCY = 16;
const LOAD_TIME_CAP_MS = 30_000;
/** Responses after which the worker is killed. */
const KILL_AFTER_RESPONSES = 600;
/** Time the restarted worker gets to upload what its spool holds. */
const DRAIN_TIMEOUT_MS = 45_000;

const STATS_BODIES = ['{"numbers":[10,9,8,100]}', '{"numbers":[0]}', '{"numbers":[1,2', '{"numbers":[4,8,15,16,23,42]}'];

/** Keys of the log objects, by request id, from whichever store the test uses. */
type ListLogKeys = () => Promise<string[]>;

async function killNow(worker: WorkerProcess): Promise<void> {
  const exited = once(worker.child, 'exit');
  worker.child.kill('SIGKILL');
  await exited;
}

/** Sends stats requests, kills the worker with SIGKILL mid-load and returns the answered request ids. */
async function statsLoadWithKill(worker: WorkerProcess): Promise<string[]> {
  const agent = keepAliveAgent(CONCURRENCY);
  const answered: string[] = [];
  let killed: Promise<void> | undefined;
  try {
    await runLoad({ total: STATS_REQUESTS, concurrency: CONCURRENCY, timeCapMs: LOAD_TIME_CAP_MS }, async (index) => {
      const body = STATS_BODIES[index % STATS_BODIES.length]!;
      const response = await sendRaw(worker.url, { method: 'POST', path: '/v1/stats', headers: { 'content-type': 'application/json' }, body: [body], agent });
      expect([200, 400]).toContain(response.status);
      answered.push(String(response.headers['x-request-id']));
      if (answered.length === KILL_AFTER_RESPONSES) killed = killNow(worker);
    });
  } finally {
    agent.destroy();
  }
  await killed;
  return answered;
}

async function waitForLogs(list: ListLogKeys, requestIds: string[]): Promise<Map<string, number>> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  let counts = new Map<string, number>();
  while (Date.now() < deadline) {
    counts = new Map();
    for (const key of await list()) {
      const id = /-([0-9a-f-]{36})\.txt$/.exec(key)?.[1];
      if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    if (requestIds.every((id) => counts.has(id))) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return counts;
}

async function checkStatsCrash(startArgs: string[], env: NodeJS.ProcessEnv, list: ListLogKeys): Promise<void> {
  const first = await startWorkerProcess(startArgs, env);
  const answered = await statsLoadWithKill(first);
  expect(answered.length).toBeGreaterThanOrEqual(KILL_AFTER_RESPONSES);
  expect(answered.length).toBeLessThan(STATS_REQUESTS);

  const second = await startWorkerProcess(startArgs, env);
  try {
    const counts = await waitForLogs(list, answered);
    const missing = answered.filter((id) => !counts.has(id));
    const duplicated = [...counts].filter(([, count]) => count > 1);
    expect(missing, 'answered requests without a log object').toEqual([]);
    expect(duplicated, 'requests with more than one log object').toEqual([]);
    console.log(`stats crash test: ${answered.length} answered before SIGKILL, ${counts.size} log objects after restart`);
  } finally {
    expect(await second.stop()).toBe(0);
  }
}

describe('transaction logs survive SIGKILL', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hotdog-crash-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('on a local folder, one log object per answered request', async () => {
    const data = join(dir, 'fs-data');
    const list = async () => {
      const entries = await readdir(join(data, 'logs/stats'), { recursive: true }).catch(() => [] as string[]);
      return entries.filter((name) => name.endsWith('.txt'));
    };
    await checkStatsCrash(['--storage', `fs:${data}`, '--spool-dir', join(dir, 'fs-spool')], {}, list);
  }, 120_000);

  it('on the S3 server, one log object per answered request', async () => {
    const endpoint = inject('s3Endpoint');
    const bucket = await createTestBucket(endpoint, 'crash');
    const s3 = makeTestS3Client(endpoint);
    const list = async () => {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'logs/stats/', ContinuationToken: token }));
        keys.push(...(page.Contents ?? []).map((entry) => entry.Key!));
        token = page.NextContinuationToken;
      } while (token);
      return keys;
    };
    try {
      await checkStatsCrash(['--storage', `s3://${bucket}`, '--spool-dir', join(dir, 's3-spool')], s3TestEnv(endpoint), list);
    } finally {
      s3.destroy();
      await deleteTestBucket(endpoint, bucket);
    }
  }, 150_000);
});

/** Label load bounds: each post appends to the one label file, so fewer requests than for stats. */
const LABEL_POSTS = 400;
const KILL_AFTER_LABELS = 120;

interface LabelPost {
  answerIds: string[];
  body: string;
}

async function demoImageIds(url: string): Promise<string[]> {
  const response = await fetch(`${url}/v1/images/sample?annotator=crash-test&count=24`);
  const json = (await response.json()) as { images: { id: string }[] };
  return json.images.map((image) => image.id);
}

function makeLabelPosts(imageIds: string[]): LabelPost[] {
  return Array.from({ length: LABEL_POSTS }, (_, index) => {
    const answers = Array.from({ length: 1 + (index % 3) }, (_, offset) => ({
      image: imageIds[(index + offset) % imageIds.length]!,
      label: (index + offset) % 2,
      answerId: randomUUID(),
    }));
    return { answerIds: answers.map((answer) => answer.answerId), body: JSON.stringify({ annotator: `annotator-${index % 7}`, answers }) };
  });
}

async function labelFileAnswerIds(readCsv: () => Promise<string>): Promise<string[]> {
  return parseLabelRows(await readCsv(), 'labels/labels.csv', { header: true, firstLine: 1 }).map((row) => row.answer.answerId);
}

async function checkLabelCrash(startArgs: string[], env: NodeJS.ProcessEnv, readCsv: () => Promise<string>): Promise<void> {
  const first = await startWorkerProcess([...startArgs, '--seed-demo'], env);
  const posts = makeLabelPosts(await demoImageIds(first.url));
  const acknowledged = new Set<number>();
  const agent = keepAliveAgent(CONCURRENCY);
  let killed: Promise<void> | undefined;
  try {
    await runLoad({ total: LABEL_POSTS, concurrency: CONCURRENCY, timeCapMs: LOAD_TIME_CAP_MS }, async (index) => {
      const response = await sendRaw(first.url, { method: 'POST', path: '/v1/labels', headers: { 'content-type': 'application/json' }, body: [posts[index]!.body], agent });
      expect(response.status, response.body).toBe(200);
      acknowledged.add(index);
      if (acknowledged.size === KILL_AFTER_LABELS) killed = killNow(first);
    });
  } finally {
    agent.destroy();
  }
  await killed;
  expect(acknowledged.size).toBeGreaterThanOrEqual(KILL_AFTER_LABELS);

  // Every acknowledged answer is in the file once, read before any worker runs again.
  const afterKill = await labelFileAnswerIds(readCsv);
  const afterKillCounts = countValues(afterKill);
  for (const index of acknowledged) {
    for (const answerId of posts[index]!.answerIds) {
      expect(afterKillCounts.get(answerId), `acknowledged answer ${answerId}`).toBe(1);
    }
  }

  // Clients send unacknowledged posts again; that records them once and duplicates nothing.
  const second = await startWorkerProcess(startArgs, env);
  try {
    for (let index = 0; index < posts.length; index += 1) {
      if (acknowledged.has(index)) continue;
      const response = await fetch(`${second.url}/v1/labels`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: posts[index]!.body });
      expect(response.status).toBe(200);
    }
  } finally {
    expect(await second.stop()).toBe(0);
  }

  const final = countValues(await labelFileAnswerIds(readCsv));
  const expected = posts.flatMap((post) => post.answerIds);
  expect(final.size).toBe(expected.length);
  expect([...final.values()].every((count) => count === 1)).toBe(true);
  console.log(`label crash test: ${acknowledged.size} posts acknowledged before SIGKILL, ${expected.length} answers after resending the rest`);
}

function countValues(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

describe('label answers survive SIGKILL', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hotdog-label-crash-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('on a local folder, every acknowledged answer once', async () => {
    const data = join(dir, 'fs-data');
    await checkLabelCrash(['--storage', `fs:${data}`, '--rate-limit-per-minute', '0'], {}, () => readFile(join(data, 'labels/labels.csv'), 'utf8'));
  }, 120_000);

  it('on the S3 server, every acknowledged answer once', async () => {
    const endpoint = inject('s3Endpoint');
    const bucket = await createTestBucket(endpoint, 'label-crash');
    const s3: S3Client = makeTestS3Client(endpoint);
    const readCsv = async () => {
      const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'labels/labels.csv' }));
      return response.Body!.transformToString();
    };
    try {
      await checkLabelCrash(['--storage', `s3://${bucket}`, '--spool-dir', join(dir, 's3-spool'), '--rate-limit-per-minute', '0'], s3TestEnv(endpoint), readCsv);
    } finally {
      s3.destroy();
      await deleteTestBucket(endpoint, bucket);
    }
  }, 150_000);
});
