import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoImagesDir } from '@hotdog-lab/label-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw, type RawResponse } from './_load.js';
import { startWorkerProcess, type WorkerProcess } from './_worker-process.js';

const MIB = 1024 * 1024;
const BOUNDARY = 'hotdog-matrix-boundary';
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;

let worker: WorkerProcess;
let dataDir: string;
let imageId: string;
let demoJpeg: Buffer;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hotdog-matrix-'));
  worker = await startWorkerProcess(['--storage', `fs:${dataDir}`, '--seed-demo', '--max-upload-mib', '1', '--rate-limit-per-minute', '0']);
  const sample = (await (await fetch(`${worker.url}/v1/images/sample?annotator=matrix&count=1`)).json()) as { images: { id: string }[] };
  imageId = sample.images[0]!.id;
  const demoFile = (await readdir(demoImagesDir())).find((name) => name.endsWith('.jpg'))!;
  demoJpeg = await readFile(join(demoImagesDir(), demoFile));
});

afterAll(async () => {
  await worker.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function multipart(parts: { name: string; fileName?: string; content: string | Uint8Array }[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = part.fileName === undefined ? `form-data; name="${part.name}"` : `form-data; name="${part.name}"; filename="${part.fileName}"`;
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n\r\n`), Buffer.from(part.content), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

function json(path: string, body: unknown, contentType = 'application/json') {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { method: 'POST', path, headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(text) }, body: [text] };
}

function upload(body: Buffer, options: { chunked?: boolean } = {}): Parameters<typeof sendRaw>[1] {
  if (options.chunked) {
    // Several writes without Content-Length: Node.js sends them with chunked transfer coding.
    const pieces = [body.subarray(0, 100), body.subarray(100, body.length - 10), body.subarray(body.length - 10)];
    return { method: 'POST', path: '/v1/images', headers: { 'content-type': MULTIPART, 'transfer-encoding': 'chunked' }, body: pieces };
  }
  return { method: 'POST', path: '/v1/images', headers: { 'content-type': MULTIPART, 'content-length': body.length }, body: [body] };
}

const labels = (annotator: unknown, answer: Record<string, unknown> = {}) => ({
  annotator,
  answers: [{ image: () => imageId, label: 1, answerId: randomUUID(), ...answer }],
});

/** Builds the request late, so cases can use the image id and files read in beforeAll. */
interface MatrixCase {
  name: string;
  request: () => Parameters<typeof sendRaw>[1];
  status: number;
  code?: string;
  /** `details.field` of the error, when the rule is about one field. */
  field?: string;
}

function resolveImage(body: ReturnType<typeof labels>): unknown {
  return { ...body, answers: body.answers.map((answer) => ({ ...answer, image: typeof answer.image === 'function' ? answer.image() : answer.image })) };
}

const CASES: MatrixCase[] = [
  { name: 'stats [10,9,8,100]', request: () => json('/v1/stats', { numbers: [10, 9, 8, 100] }), status: 200 },
  { name: 'stats strings', request: () => json('/v1/stats', { numbers: ['1', '2', '3'] }), status: 400, code: 'NOT_AN_INTEGER' },
  { name: 'stats nulls', request: () => json('/v1/stats', { numbers: [null, 30, null] }), status: 400, code: 'NOT_AN_INTEGER' },
  { name: 'stats unsafe integer', request: () => json('/v1/stats', '{"numbers":[9007199254740993,1]}'), status: 400, code: 'UNSAFE_INTEGER' },
  { name: 'stats eleven numbers', request: () => json('/v1/stats', { numbers: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }), status: 400, code: 'TOO_MANY_NUMBERS' },
  { name: 'stats [0]', request: () => json('/v1/stats', '{"numbers":[0]}'), status: 400, code: 'NOT_POSITIVE' },
  { name: 'stats [-0]', request: () => json('/v1/stats', '{"numbers":[-0]}'), status: 400, code: 'NOT_POSITIVE' },
  { name: 'stats truncated JSON', request: () => json('/v1/stats', '{"numbers":[1,2'), status: 400, code: 'INVALID_JSON' },
  { name: 'stats body 5', request: () => json('/v1/stats', '5'), status: 400, code: 'INVALID_BODY', field: 'numbers' },
  { name: 'stats 1 MiB body', request: () => json('/v1/stats', `{"numbers":[${'1,'.repeat(MIB / 2)}1]}`), status: 413, code: 'BODY_TOO_LARGE' },
  { name: 'stats wrong content type', request: () => json('/v1/stats', '{"numbers":[1]}', 'text/plain'), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'labels unknown image', request: () => json('/v1/labels', resolveImage(labels('ana', { image: 'f'.repeat(64) }))), status: 400, code: 'UNKNOWN_IMAGE', field: 'answers[0].image' },
  { name: 'labels label 2', request: () => json('/v1/labels', resolveImage(labels('ana', { label: 2 }))), status: 400, code: 'INVALID_LABEL', field: 'answers[0].label' },
  { name: 'labels empty annotator', request: () => json('/v1/labels', resolveImage(labels(''))), status: 400, code: 'INVALID_ANNOTATOR', field: 'annotator' },
  { name: 'labels 65-character annotator', request: () => json('/v1/labels', resolveImage(labels('a'.repeat(65)))), status: 400, code: 'INVALID_ANNOTATOR', field: 'annotator' },
  { name: 'labels annotator starting with =', request: () => json('/v1/labels', resolveImage(labels('=HYPERLINK("x")'))), status: 400, code: 'INVALID_ANNOTATOR', field: 'annotator' },
  { name: 'labels bad answer id', request: () => json('/v1/labels', resolveImage(labels('ana', { answerId: 'x' }))), status: 400, code: 'INVALID_ANSWER_ID', field: 'answers[0].answerId' },
  { name: 'labels 1 MiB body', request: () => json('/v1/labels', `{"annotator":"${'a'.repeat(MIB)}"}`), status: 413, code: 'BODY_TOO_LARGE' },
  { name: 'labels wrong content type', request: () => json('/v1/labels', '{}', 'application/x-www-form-urlencoded'), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'sample count 0', request: () => ({ method: 'GET', path: '/v1/images/sample?annotator=ana&count=0' }), status: 400, code: 'INVALID_COUNT', field: 'count' },
  { name: 'sample without annotator', request: () => ({ method: 'GET', path: '/v1/images/sample' }), status: 400, code: 'INVALID_ANNOTATOR', field: 'annotator' },
  {
    name: 'upload one byte over the limit',
    request: () => upload(multipart([{ name: 'annotator', content: 'ana' }, { name: 'image', fileName: 'big.jpg', content: Buffer.concat([demoJpeg, Buffer.alloc(MIB + 1 - demoJpeg.length)]) }])),
    status: 413,
    code: 'FILE_TOO_LARGE',
  },
  { name: 'upload with no file', request: () => upload(multipart([{ name: 'annotator', content: 'ana' }])), status: 400, code: 'NO_FILE', field: 'image' },
  {
    name: 'upload of 40 files',
    request: () => upload(multipart([{ name: 'annotator', content: 'ana' }, ...Array.from({ length: 40 }, (_, i) => ({ name: 'image', fileName: `${i}.jpg`, content: demoJpeg }))])),
    status: 400,
    code: 'TOO_MANY_FILES',
  },
  {
    name: 'chunked upload over the limit',
    request: () => upload(multipart([{ name: 'annotator', content: 'ana' }, { name: 'image', fileName: 'big.jpg', content: Buffer.concat([demoJpeg, Buffer.alloc(MIB + 1 - demoJpeg.length)]) }]), { chunked: true }),
    status: 413,
    code: 'FILE_TOO_LARGE',
  },
  { name: 'upload of text', request: () => upload(multipart([{ name: 'annotator', content: 'ana' }, { name: 'image', fileName: 'x.jpg', content: 'not an image' }])), status: 415, code: 'UNSUPPORTED_IMAGE_TYPE' },
  { name: 'upload as JSON', request: () => json('/v1/images', '{}'), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'chunked upload of a demo image', request: () => upload(multipart([{ name: 'annotator', content: 'ana' }, { name: 'image', fileName: 'demo.jpg', content: demoJpeg }]), { chunked: true }), status: 201 },
];

describe('malformed input against a worker process', () => {
  it.each(CASES)('$name answers $status $code', async ({ request, status, code, field }) => {
    let response: RawResponse;
    try {
      response = await sendRaw(worker.url, request());
    } catch (error) {
      // A server that answers 413 may close before the client has sent the whole body.
      throw new Error(`request failed before a response: ${String(error)}`);
    }

    expect(response.status, response.body.slice(0, 300)).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    if (code === undefined) return;

    const body = JSON.parse(response.body) as { error: { code: string; message: string; details: { field?: string } } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(10);
    if (field !== undefined) expect(body.error.details.field).toBe(field);
  });

  it('stays up after the matrix', async () => {
    expect(worker.child.exitCode).toBeNull();
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
  });
});
