import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { get } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { demoImagesDir, MemoryStore, parseCsv } from '@hotdog-lab/label-store';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngBytes, pngHeaderBytes } from '../../label-store/test/images/image-bytes.js';
import { DEFAULT_CONFIG } from '../src/config.js';
import { startWorker, type Worker } from '../src/worker.js';
import { fetchSample, makeAnswers, postLabels, uploadImages } from './_labeling-client.js';

const ONE_MIB = 1024 * 1024;

let worker: Worker;
let store: MemoryStore;

beforeAll(async () => {
  store = new MemoryStore();
  worker = await startWorker({ ...DEFAULT_CONFIG, port: 0, seedDemo: true, maxUploadBytes: ONE_MIB }, { store, logger: pino({ level: 'silent' }) });
});

afterAll(async () => {
  await worker.close(5_000);
});

interface ErrorJson {
  error: { code: string; message: string; details: Record<string, unknown> };
}

async function storedKeys(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of store.list(prefix)) {
    keys.push(info.key);
  }
  return keys;
}

async function labelRows(): Promise<string[][]> {
  const file = await store.get('labels/labels.csv');
  return file ? parseCsv(new TextDecoder().decode(file.body)).map((record) => record.fields) : [];
}

describe('GET /v1/images/sample', () => {
  it('returns 4 distinct demo images by default', async () => {
    const sample = await fetchSample(worker.url, 'sampler-a');

    expect(sample.images).toHaveLength(4);
    expect(new Set(sample.images.map((image) => image.id)).size).toBe(4);
    expect(sample.remaining).toBe(24);
    for (const image of sample.images) {
      expect(image.url).toBe(`/v1/images/${image.id}`);
      expect(image.contentType).toBe('image/jpeg');
    }
  });

  it('honours count', async () => {
    expect((await fetchSample(worker.url, 'sampler-b', 7)).images).toHaveLength(7);
  });

  it.each([
    ['annotator=', 'INVALID_ANNOTATOR'],
    ['annotator=%3Dcmd', 'INVALID_ANNOTATOR'],
    [`annotator=${'x'.repeat(65)}`, 'INVALID_ANNOTATOR'],
    ['', 'INVALID_ANNOTATOR'],
    ['annotator=ana&count=0', 'INVALID_COUNT'],
    ['annotator=ana&count=51', 'INVALID_COUNT'],
    ['annotator=ana&count=two', 'INVALID_COUNT'],
  ])('rejects ?%s with %s', async (query, code) => {
    const response = await fetch(`${worker.url}/v1/images/sample?${query}`);
    const json = (await response.json()) as ErrorJson;

    expect(response.status).toBe(400);
    expect(json.error.code).toBe(code);
  });

  it('never returns an image the annotator labeled, and ends with an empty list', async () => {
    const seen = new Set<string>();
    for (let session = 0; session < 6; session += 1) {
      const sample = await fetchSample(worker.url, 'completionist');
      expect(sample.remaining).toBe(24 - seen.size);
      for (const image of sample.images) {
        expect(seen.has(image.id)).toBe(false);
        seen.add(image.id);
      }
      const response = await postLabels(worker.url, { annotator: 'completionist', answers: makeAnswers(sample.images) });
      expect(response.status).toBe(200);
    }

    expect(seen.size).toBe(24);
    expect(await fetchSample(worker.url, 'completionist')).toEqual({ images: [], remaining: 0 });
  });
});

describe('GET /v1/images/:id', () => {
  it('streams the stored bytes with the sniffed type', async () => {
    const demoBytes = await readFile(join(demoImagesDir(), 'hotdog-01.jpg'));
    const id = createHash('sha256').update(demoBytes).digest('hex');

    const response = await fetch(`${worker.url}/v1/images/${id}`);
    const body = Buffer.from(await response.arrayBuffer());

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('etag')).toMatch(/^"[^"]+"$/);
    expect(body.equals(demoBytes)).toBe(true);
  });

  it('answers 304 for a matching If-None-Match', async () => {
    const [image] = (await fetchSample(worker.url, 'etag-checker', 1)).images;
    const first = await fetch(`${worker.url}${image!.url}`);
    await first.arrayBuffer();

    // fetch() adds `Cache-Control: no-cache` to conditional requests, which rightly disables 304,
    // so this request goes through node:http as a browser revalidation would.
    const second = await new Promise<{ status: number; length: number }>((resolve, reject) => {
      get(`${worker.url}${image!.url}`, { headers: { 'if-none-match': first.headers.get('etag')! } }, (response) => {
        let length = 0;
        response.on('data', (chunk: Buffer) => (length += chunk.length));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, length }));
      }).on('error', reject);
    });

    expect(second.status).toBe(304);
    expect(second.length).toBe(0);
  });

  it.each([
    ['0'.repeat(64), 'IMAGE_NOT_FOUND'],
    ['not-an-id', 'IMAGE_NOT_FOUND'],
    ['..%2F..%2Flabels%2Flabels.csv', 'IMAGE_NOT_FOUND'],
  ])('answers 404 for %s', async (id, code) => {
    const response = await fetch(`${worker.url}/v1/images/${id}`);
    const json = (await response.json()) as ErrorJson;

    expect(response.status).toBe(404);
    expect(json.error.code).toBe(code);
  });

  it('closes the file when the client disconnects early (local folder store)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hotdog-stream-'));
    const fsWorker = await startWorker({ ...DEFAULT_CONFIG, port: 0, storage: `fs:${dataDir}`, maxUploadBytes: ONE_MIB }, { logger: pino({ level: 'silent' }) });
    try {
      const png = Buffer.from(pngBytes(2, 2, 0x33));
      // Bytes after IEND are ignored by decoders; 900 KB is more than the socket buffers hold.
      const padded = Buffer.concat([png, randomBytes(900_000)]);
      const upload = await uploadImages(fsWorker.url, 'streamer', [{ fileName: 'big.png', bytes: padded }]);
      const [stored] = ((await upload.json()) as { images: { id: string }[] }).images;
      const openFiles = () => readdirSync('/proc/self/fd').length;
      const baseline = openFiles();

      const url = new URL(`${fsWorker.url}/v1/images/${stored!.id}`);
      const openDuringResponse = await new Promise<number>((resolve, reject) => {
        const socket = connect(Number(url.port), url.hostname, () => {
          socket.write(`GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
        });
        socket.once('data', () => {
          socket.pause();
          const count = openFiles();
          socket.destroy();
          resolve(count);
        });
        socket.on('error', reject);
      });

      // The paused response holds the socket and the image file open.
      expect(openDuringResponse).toBeGreaterThanOrEqual(baseline + 2);
      let afterClose = openFiles();
      for (let attempt = 0; attempt < 50 && afterClose > baseline; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        afterClose = openFiles();
      }
      expect(afterClose).toBe(baseline);
    } finally {
      await fsWorker.close(5_000);
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('POST /v1/labels', () => {
  it('records answers and ignores a retried request', async () => {
    const sample = await fetchSample(worker.url, 'retrier');
    const body = { annotator: 'retrier', answers: makeAnswers(sample.images) };

    const first = await postLabels(worker.url, body);
    const second = await postLabels(worker.url, body);

    expect(await first.json()).toEqual({ recorded: 4, duplicates: 0 });
    expect(await second.json()).toEqual({ recorded: 4, duplicates: 4 });
    const rows = (await labelRows()).filter((row) => row[3] === 'retrier');
    expect(rows).toHaveLength(4);
  });

  it('stores annotator names in any language exactly', async () => {
    const [image] = (await fetchSample(worker.url, '名前', 1)).images;
    const names = ['名前', 'José', 'Ana "A, B"', '👩‍🔬 lab'];
    for (const annotator of names) {
      const response = await postLabels(worker.url, { annotator, answers: makeAnswers([image!]) });
      expect(response.status).toBe(200);
    }

    const annotators = (await labelRows()).map((row) => row[3]);
    for (const annotator of names) {
      expect(annotators).toContain(annotator);
    }
  });

  it.each([
    [{ annotator: '', answers: [] }, 400, 'INVALID_ANNOTATOR', 'annotator'],
    [{ annotator: 'x'.repeat(65), answers: [] }, 400, 'INVALID_ANNOTATOR', 'annotator'],
    [{ annotator: '=HYPERLINK("x")', answers: [] }, 400, 'INVALID_ANNOTATOR', 'annotator'],
    [{ annotator: 'ana', answers: [{ image: 'f'.repeat(64), label: 1, answerId: randomUUID() }] }, 400, 'UNKNOWN_IMAGE', 'answers[0].image'],
    [{ annotator: 'ana', answers: 'none' }, 400, 'INVALID_ANSWERS', 'answers'],
    [{ annotator: 'ana' }, 400, 'INVALID_ANSWERS', 'answers'],
  ])('rejects %j', async (body, status, code, field) => {
    const response = await postLabels(worker.url, body);
    const json = (await response.json()) as ErrorJson;

    expect(response.status).toBe(status);
    expect(json.error.code).toBe(code);
    expect(json.error.details.field).toBe(field);
  });

  it.each([[2], ['1'], [true], [null], [0.5]])('rejects label %j', async (label) => {
    const [image] = (await fetchSample(worker.url, 'labeler', 1)).images;
    const response = await postLabels(worker.url, { annotator: 'labeler', answers: [{ image: image!.id, label, answerId: randomUUID() }] });
    const json = (await response.json()) as ErrorJson;

    expect(response.status).toBe(400);
    expect(json.error.code).toBe('INVALID_LABEL');
    expect(json.error.details.field).toBe('answers[0].label');
  });

  it('rejects a reused answer id with other data as 409', async () => {
    const [image] = (await fetchSample(worker.url, 'reuser', 1)).images;
    const answerId = randomUUID();
    await postLabels(worker.url, { annotator: 'reuser', answers: [{ image: image!.id, label: 1, answerId }] });

    const response = await postLabels(worker.url, { annotator: 'reuser', answers: [{ image: image!.id, label: 0, answerId }] });

    expect(response.status).toBe(409);
    expect(((await response.json()) as ErrorJson).error.code).toBe('ANSWER_ID_REUSED');
  });

  it('leaves the label file unchanged after a rejected request', async () => {
    const before = await store.head('labels/labels.csv');
    const [image] = (await fetchSample(worker.url, 'careful', 1)).images;

    await postLabels(worker.url, { annotator: 'careful', answers: [{ image: image!.id, label: 1, answerId: randomUUID() }, { image: image!.id, label: 2, answerId: randomUUID() }] });

    expect((await store.head('labels/labels.csv'))?.etag).toBe(before?.etag);
  });
});

describe('label summary and download', () => {
  it('summarizes every recorded answer', async () => {
    const response = await fetch(`${worker.url}/v1/labels/summary`);
    const summary = (await response.json()) as { images: { image: string; answers: number }[]; overall: { answers: number } };
    const rows = await labelRows();

    expect(summary.overall.answers).toBe(rows.length - 1);
    expect(summary.images.reduce((sum, image) => sum + image.answers, 0)).toBe(rows.length - 1);
  });

  it('downloads labels.csv as stored', async () => {
    const response = await fetch(`${worker.url}/v1/labels.csv`);
    const stored = await store.get('labels/labels.csv');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toContain('labels.csv');
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(stored!.body))).toBe(true);
  });
});

describe('POST /v1/images', () => {
  it('stores a PNG once and reports the second upload as existing', async () => {
    const png = pngBytes(32, 24, 0x41);
    const first = await uploadImages(worker.url, 'uploader', [{ fileName: 'small.png', bytes: png, type: 'image/png' }]);
    const second = await uploadImages(worker.url, 'uploader', [{ fileName: 'again.png', bytes: png }]);
    const firstJson = (await first.json()) as { images: { id: string; created: boolean; width: number; height: number; contentType: string }[] };
    const secondJson = (await second.json()) as { images: { id: string; created: boolean }[] };

    expect(first.status).toBe(201);
    expect(firstJson.images[0]).toMatchObject({ created: true, width: 32, height: 24, contentType: 'image/png' });
    expect(secondJson.images[0]).toMatchObject({ id: firstJson.images[0]!.id, created: false });
    expect(await storedKeys(`images/${firstJson.images[0]!.id}`)).toEqual([`images/${firstJson.images[0]!.id}.png`]);
  });

  it('makes an upload visible to sampling at once', async () => {
    const png = pngBytes(8, 8, 0x99);
    const response = await uploadImages(worker.url, 'fresh-uploader', [{ fileName: 'new.png', bytes: png }]);
    const [stored] = ((await response.json()) as { images: { id: string }[] }).images;

    const sample = await fetchSample(worker.url, 'fresh-viewer', 50);
    expect(sample.images.map((image) => image.id)).toContain(stored!.id);
  });

  it('accepts several files in one request', async () => {
    const response = await uploadImages(worker.url, 'batcher', [
      { fileName: 'a.png', bytes: pngBytes(4, 4, 1) },
      { fileName: 'b.png', bytes: pngBytes(4, 4, 2) },
      { fileName: 'c.jpg', bytes: await readFile(join(demoImagesDir(), 'other-01.jpg')) },
    ]);
    const json = (await response.json()) as { images: { fileName: string; contentType: string }[] };

    expect(response.status).toBe(201);
    expect(json.images.map((image) => image.contentType)).toEqual(['image/png', 'image/png', 'image/jpeg']);
  });

  it.each([
    ['SVG declared as PNG', 'logo.png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 415, 'UNSUPPORTED_IMAGE_TYPE'],
    ['HTML', 'page.jpg', Buffer.from('<!doctype html><html><body>hi</body></html>'), 415, 'UNSUPPORTED_IMAGE_TYPE'],
    ['text renamed .jpg', 'notes.jpg', Buffer.from('just some text\n'), 415, 'UNSUPPORTED_IMAGE_TYPE'],
    ['zero bytes', 'empty.png', Buffer.alloc(0), 400, 'EMPTY_FILE'],
    ['one byte over the limit', 'big.png', Buffer.concat([Buffer.from(pngBytes(2, 2)), Buffer.alloc(ONE_MIB)]).subarray(0, ONE_MIB + 1), 413, 'FILE_TOO_LARGE'],
    ['too many pixels', 'bomb.png', Buffer.from(pngHeaderBytes(100_000, 100_000)), 422, 'IMAGE_DIMENSIONS_TOO_LARGE'],
  ])('rejects %s', async (_case, fileName, bytes, status, code) => {
    const response = await uploadImages(worker.url, 'rejected', [{ fileName, bytes }]);
    const json = (await response.json()) as ErrorJson;

    expect(response.status).toBe(status);
    expect(json.error.code).toBe(code);
    expect(json.error.message).toContain(fileName);
  });

  it('accepts a file of exactly the limit when it is an image', async () => {
    const png = Buffer.from(pngBytes(2, 2, 0x55));
    // Bytes after IEND are ignored by decoders, so padding keeps the file a valid PNG.
    const padded = Buffer.concat([png, Buffer.alloc(ONE_MIB - png.length)]);
    const response = await uploadImages(worker.url, 'edge', [{ fileName: 'edge.png', bytes: padded }]);

    expect(response.status).toBe(201);
  });

  it('stores nothing when one file of a request is rejected', async () => {
    const before = await storedKeys('images/');
    const response = await uploadImages(worker.url, 'mixed', [
      { fileName: 'good.png', bytes: pngBytes(3, 3, 0x12) },
      { fileName: 'bad.png', bytes: Buffer.from('<svg/>') },
    ]);

    expect(response.status).toBe(415);
    expect(await storedKeys('images/')).toEqual(before);
  });

  it.each(['../x.png', '..\\a.png', '%2e%2e%2fa.png', '名前.png', '/etc/passwd', 'a/../../b.png'])('keeps the file name %j out of the key', async (fileName) => {
    const bytes = pngBytes(5, 5, fileName.length);
    const response = await uploadImages(worker.url, 'namer', [{ fileName, bytes }]);
    const [stored] = ((await response.json()) as { images: { id: string }[] }).images;

    expect(response.status).toBe(201);
    const keys = await storedKeys(`images/${stored!.id}`);
    expect(keys).toEqual([`images/${stored!.id}.png`]);
    for (const key of await storedKeys('')) {
      expect(key).toMatch(/^(images\/[0-9a-f]{64}\.(jpg|png|webp|gif)|labels\/labels\.csv|logs\/stats\/.+\.txt)$/);
    }
  });

  it.each([
    ['no file', undefined, 'ana', 400, 'NO_FILE'],
    ['no annotator', 'x.png', undefined, 400, 'INVALID_ANNOTATOR'],
  ])('rejects a request with %s', async (_case, fileName, annotator, status, code) => {
    const parts = fileName ? [{ fileName, bytes: pngBytes(2, 2) }] : [];
    const response = await uploadImages(worker.url, annotator, parts);

    expect(response.status).toBe(status);
    expect(((await response.json()) as ErrorJson).error.code).toBe(code);
  });

  it('rejects more files than the per-request limit', async () => {
    const parts = Array.from({ length: 11 }, (_, i) => ({ fileName: `f${i}.png`, bytes: pngBytes(2, 2, i) }));
    const response = await uploadImages(worker.url, 'flood', parts);

    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorJson).error.code).toBe('TOO_MANY_FILES');
  });

  it('answers 415 for a body that is not multipart', async () => {
    const response = await fetch(`${worker.url}/v1/images`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: pngBytes(2, 2) });

    expect(response.status).toBe(415);
  });
});
