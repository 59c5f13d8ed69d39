import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestBucket, makeTestS3Client, s3TestEnv } from '../../../test-support/s3-test-utils.js';
import { runWorkerCli, startWorkerProcess } from './_worker-process.js';

/** Request bodies and what their log object must record; the loop below cycles through them. */
const CASES = [
  { body: '{"numbers":[10,9,8,100]}', status: 200, logLine: 'result: count=4 min=8 max=100 mean=31.75 median=9.5' },
  { body: '{"numbers":[4,8,15,16,23,42]}', status: 200, logLine: 'result: count=6 min=4 max=42 mean=18 median=15.5' },
  { body: '{"numbers":[0]}', status: 400, logLine: 'error_code: NOT_POSITIVE' },
  { body: '{"numbers":[1,2,3,4,5,6,7,8,9,10,11]}', status: 400, logLine: 'error_code: TOO_MANY_NUMBERS' },
  { body: '{"numbers":[1,2', status: 400, logLine: 'error_code: INVALID_JSON' },
  { body: '5', status: 400, logLine: 'error_code: INVALID_BODY' },
] as const;

const REQUEST_COUNT = 30;

interface SentRequest {
  requestId: string;
  expectedLogLine: string;
}

/** Sends REQUEST_COUNT requests, 10 at a time, and checks each response status. */
async function sendRequests(url: string): Promise<SentRequest[]> {
  const sent: SentRequest[] = [];
  for (let start = 0; start < REQUEST_COUNT; start += 10) {
    const batch = Array.from({ length: Math.min(10, REQUEST_COUNT - start) }, async (_, offset) => {
      const testCase = CASES[(start + offset) % CASES.length]!;
      const response = await fetch(`${url}/v1/stats`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: testCase.body });
      expect(response.status).toBe(testCase.status);
      await response.arrayBuffer();
      return { requestId: response.headers.get('x-request-id')!, expectedLogLine: testCase.logLine };
    });
    sent.push(...(await Promise.all(batch)));
  }
  return sent;
}

function expectOneLogPerRequest(logs: Map<string, string>, sent: SentRequest[]): void {
  expect(logs.size).toBe(sent.length);
  for (const request of sent) {
    const matches = [...logs.entries()].filter(([key]) => key.endsWith(`-${request.requestId}.txt`));
    expect(matches, `log objects for request ${request.requestId}`).toHaveLength(1);

    const [key, text] = matches[0]!;
    expect(key).toMatch(/^logs\/stats\/\d{4}\/\d{2}\/\d{2}\/\d{8}T\d{9}Z-[0-9a-f-]{36}\.txt$/);
    expect(text).toContain(`request_id: ${request.requestId}\n`);
    expect(text).toContain(`${request.expectedLogLine}\n`);
    expect(text).toMatch(/^received_at: \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/m);
    expect(text).toMatch(/^client_address: (::ffff:)?127\.0\.0\.1$/m);
    expect(text).toMatch(/^handling_ms: \d+\.\d{3}$/m);
  }
}

describe('hotdog-worker process', () => {
  it('prints help with exit code 0', async () => {
    const result = await runWorkerCli(['--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--storage URL');
  });

  it('rejects an unknown option with exit code 2', async () => {
    const result = await runWorkerCli(['--bogus']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--bogus'");
  });

  it('rejects a bad storage URL with exit code 1', async () => {
    const result = await runWorkerCli(['--port', '0', '--storage', 'ftp://nowhere']);

    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain('ftp://nowhere');
  });
});

describe('hotdog-worker process on a local folder', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hotdog-worker-fs-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('leaves one log file per request after SIGTERM', async () => {
    const worker = await startWorkerProcess(['--storage', `fs:${dataDir}`]);
    const sent = await sendRequests(worker.url);

    expect(await worker.stop()).toBe(0);
    expect(worker.output()).toContain('"msg":"worker stopped"');

    const logs = new Map<string, string>();
    for (const entry of await readdir(join(dataDir, 'logs/stats'), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.txt')) {
        const path = join(entry.parentPath, entry.name);
        logs.set(relative(dataDir, path), await readFile(path, 'utf8'));
      }
    }
    expectOneLogPerRequest(logs, sent);
  });
});

describe('hotdog-worker process on the S3 server', () => {
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

  async function readLogs(prefix: string): Promise<Map<string, string>> {
    const logs = new Map<string, string>();
    let continuationToken: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: continuationToken, MaxKeys: 7 }));
      for (const object of page.Contents ?? []) {
        const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key! }));
        logs.set(object.Key!.slice(prefix.length - 'logs/stats/'.length), await response.Body!.transformToString());
      }
      continuationToken = page.NextContinuationToken;
    } while (continuationToken);
    return logs;
  }

  it('leaves one log object per request under the prefix', async () => {
    const worker = await startWorkerProcess(['--storage', `s3://${bucket}/run-a`, '--s3-endpoint', endpoint], s3TestEnv(endpoint));
    const sent = await sendRequests(worker.url);

    expect(await worker.stop()).toBe(0);
    expectOneLogPerRequest(await readLogs('run-a/logs/stats/'), sent);
  });

  it('writes the logs without waiting for shutdown', async () => {
    const worker = await startWorkerProcess(['--storage', `s3://${bucket}/run-b`, '--s3-endpoint', endpoint], s3TestEnv(endpoint));
    try {
      const sent = await sendRequests(worker.url);

      let logs = new Map<string, string>();
      for (let attempt = 0; attempt < 100 && logs.size < sent.length; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        logs = await readLogs('run-b/logs/stats/');
      }
      expectOneLogPerRequest(logs, sent);
    } finally {
      expect(await worker.stop()).toBe(0);
    }
  });
});
