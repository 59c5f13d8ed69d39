import { MemoryStore, type ObjectStore } from '@hotdog-lab/label-store';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/config.js';
import { startWorker, type Worker } from '../src/worker.js';
import { keepAliveAgent, runLoad, sendRaw } from './_load.js';

/** Random requests per endpoint; fast-check's seed makes every run send the same ones. */
const RUNS = 10_000;
const CONCURRENCY = 32;
const TIME_CAP_MS = 120_000;
const SEED = 20261204;

let worker: Worker;
let store: MemoryStore;
let imageIds: string[];
const agent = keepAliveAgent(CONCURRENCY);

beforeAll(async () => {
  store = new MemoryStore();
  worker = await startWorker({ ...DEFAULT_CONFIG, port: 0, seedDemo: true }, { store, logger: pino({ level: 'silent' }) });
  imageIds = worker.catalog.list().map((image) => image.id);
});

afterAll(async () => {
  agent.destroy();
  await worker.close(5_000);
});

/** Every object outside `logs/stats/` with its ETag: what a rejected request must not change. */
async function snapshot(target: ObjectStore): Promise<Map<string, string>> {
  const objects = new Map<string, string>();
  for await (const info of target.list('')) {
    if (!info.key.startsWith('logs/stats/')) objects.set(info.key, info.etag);
  }
  return objects;
}

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

const contentTypes = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', '', 'application/x+json', 'multipart/form-data; boundary=x');
const jsonText = fc.oneof(fc.json(), fc.string(), fc.jsonValue().map((value) => JSON.stringify(value).slice(0, 50)));
const bytes = fc.uint8Array({ maxLength: 512 });

const statsRequests = fc.record({
  body: fc.oneof(jsonText, fc.array(fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null), fc.boolean()), { maxLength: 14 }).map((numbers) => JSON.stringify({ numbers }))),
  contentType: contentTypes,
}).map(({ body, contentType }): FuzzRequest => ({ method: 'POST', path: '/v1/stats', headers: { 'content-type': contentType }, body }));

/** Label posts that can never be valid: every answer's label is anything but 0 or 1. */
const labelRequests = (ids: () => string[]) =>
  fc
    .record({
      annotator: fc.oneof(fc.string({ maxLength: 80 }), fc.anything()),
      answers: fc.oneof(
        fc.array(
          fc.record({
            image: fc.oneof(fc.constantFrom(...ids()), fc.stringMatching(/^[0-9a-f]{64}$/), fc.string()),
            label: fc.anything().filter((value) => value !== 0 && value !== 1),
            answerId: fc.oneof(fc.uuid(), fc.string()),
            extra: fc.option(fc.anything(), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        fc.anything(),
      ),
    })
    .chain((value) => fc.oneof(fc.constant(JSON.stringify(value) ?? 'null'), jsonText))
    .chain((body) => contentTypes.map((contentType): FuzzRequest => ({ method: 'POST', path: '/v1/labels', headers: { 'content-type': contentType }, body })));

/** Uploads whose files are random bytes (never a readable image) or malformed multipart bodies. */
const uploadRequests = fc
  .record({
    boundary: fc.stringMatching(/^[A-Za-z0-9]{1,20}$/),
    annotator: fc.string({ maxLength: 70 }),
    files: fc.array(fc.record({ name: fc.constantFrom('image', 'file', ''), fileName: fc.string({ maxLength: 30 }), content: bytes }), { maxLength: 3 }),
    raw: fc.option(bytes, { nil: undefined }),
  })
  .map(({ boundary, annotator, files, raw }): FuzzRequest => {
    const parts = [`--${boundary}\r\nContent-Disposition: form-data; name="annotator"\r\n\r\n${annotator}\r\n`];
    const chunks: Buffer[] = [Buffer.from(parts[0]!)];
    for (const file of files) {
      const fileName = file.fileName.replace(/["\r\n]/g, '');
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${fileName}"\r\n\r\n`), Buffer.from(file.content), Buffer.from('\r\n'));
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    return {
      method: 'POST',
      path: '/v1/images',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: raw ?? Buffer.concat(chunks),
    };
  });

const sampleRequests = fc
  .record({
    annotator: fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
    count: fc.option(fc.oneof(fc.string({ maxLength: 5 }), fc.integer().map(String)), { nil: undefined }),
    junk: fc.string({ maxLength: 20 }),
  })
  .map(({ annotator, count, junk }): FuzzRequest => {
    const query = new URLSearchParams();
    if (annotator !== undefined) query.append('annotator', annotator);
    if (count !== undefined) query.append('count', count);
    return { method: 'GET', path: `/v1/images/sample?${query}&${encodeURIComponent(junk)}=${encodeURIComponent(junk)}`, headers: {}, body: '' };
  });

async function fuzz(name: string, requests: fc.Arbitrary<FuzzRequest>): Promise<Map<number, number>> {
  const samples = fc.sample(requests, { numRuns: RUNS, seed: SEED });
  const statuses = new Map<number, number>();
  const serverErrors: string[] = [];

  await runLoad({ total: samples.length, concurrency: CONCURRENCY, timeCapMs: TIME_CAP_MS }, async (index) => {
    const request = samples[index]!;
    const body = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
    const headers = { ...request.headers, ...(request.method === 'POST' && { 'content-length': String(body.length) }) };
    const response = await sendRaw(worker.url, { method: request.method, path: request.path, headers, body: request.method === 'POST' ? [body] : [], agent });
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    if (response.status >= 500) serverErrors.push(`${name} #${index}: ${response.status} ${response.body.slice(0, 200)} for ${JSON.stringify(request).slice(0, 300)}`);
  });

  expect(serverErrors, 'requests answered with 5xx').toEqual([]);
  expect([...statuses.values()].reduce((sum, count) => sum + count, 0)).toBe(RUNS);
  return statuses;
}

describe('HTTP fuzzing (in-process worker, memory store)', () => {
  it.each([
    { name: 'POST /v1/stats', requests: () => statsRequests },
    { name: 'POST /v1/labels', requests: () => labelRequests(() => imageIds) },
    { name: 'POST /v1/images', requests: () => uploadRequests },
    { name: 'GET /v1/images/sample', requests: () => sampleRequests },
  ])('$name: no 5xx and no change to the store', async ({ name, requests }) => {
    const before = await snapshot(store);

    const statuses = await fuzz(name, requests());

    expect(await snapshot(store)).toEqual(before);
    const accepted = [...statuses].filter(([status]) => status < 300).reduce((sum, [, count]) => sum + count, 0);
    console.log(`fuzz ${name}: ${JSON.stringify(Object.fromEntries(statuses))} (${accepted} accepted)`);
  }, 180_000);
});
