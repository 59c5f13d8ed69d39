import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { runCli } from '../src/index.js';
import { createLabelWorkerState, labelWorkerHandler } from './_fake-label-worker.js';
import type { LabelWorkerState } from './_fake-label-worker.js';
import { findClosedPortUrl, startFakeWorker } from './_fake-worker.js';
import type { FakeWorker } from './_fake-worker.js';
import { createJpeg, createPng, sha256, solid } from './_images.js';
import { createTestIo } from './_streams.js';

// Client unit tests of `hotdog upload`: runCli against a fake worker, a node:http server on
// 127.0.0.1 started here, which parses each multipart body with its own parser.

const PNG_BYTES = createPng(6, 4, solid([10, 20, 30, 255]));
const JPEG_BYTES = createJpeg(8, 8, solid([200, 100, 50, 255]));

/** Pseudo-random pixels, so the PNG does not compress and spans many read chunks (about 270 KB). */
const NOISE_BYTES = createPng(300, 300, (x, y) => {
  const value = (x * 7919 + y * 104_729 + x * y * 31) % 65_521;
  return [value & 0xff, (value >> 3) & 0xff, (value >> 7) & 0xff, 255];
});

let worker: FakeWorker;
let state: LabelWorkerState;
let directory: string;

beforeAll(async () => {
  worker = await startFakeWorker();
  directory = mkdtempSync(join(tmpdir(), 'hotdog-upload-test-'));
  writeFileSync(join(directory, 'red.png'), PNG_BYTES);
  writeFileSync(join(directory, 'orange.jpg'), JPEG_BYTES);
  writeFileSync(join(directory, 'notes.jpg'), 'these are notes, not a JPEG\n');
  writeFileSync(join(directory, 'noise.png'), NOISE_BYTES);
  writeFileSync(join(directory, 'empty.png'), '');
  writeFileSync(join(directory, 'hotdög "1".png'), PNG_BYTES);
  mkdirSync(join(directory, 'folder.png'));
  writeFileSync(join(directory, 'large.png'), randomBytes(8 * 1024 * 1024));
});

beforeEach(() => {
  state = createLabelWorkerState([]);
  worker.handle(labelWorkerHandler(state));
});

afterEach(() => {
  worker.reset();
});

afterAll(async () => {
  await worker.close();
  rmSync(directory, { recursive: true, force: true });
});

function file(name: string): string {
  return join(directory, name);
}

function uploadPosts() {
  return worker.requests.filter((request) => request.method === 'POST' && request.url === '/v1/images');
}

describe('hotdog upload results (client unit, fake worker)', () => {
  it('uploads each file in its own request and exits 1 when one is rejected', async () => {
    const io = createTestIo();

    const code = await runCli(
      ['upload', '--annotator', 'alice', '--worker', worker.url, file('red.png'), file('notes.jpg'), file('orange.jpg')],
      io,
    );

    expect(code).toBe(1);
    expect(uploadPosts()).toHaveLength(3);
    expect(io.stdout.text).toContain(`${file('red.png')}: created, id ${sha256(PNG_BYTES)} (image/png, 6x4)\n`);
    expect(io.stdout.text).toContain(`${file('orange.jpg')}: created, id ${sha256(JPEG_BYTES)} (image/jpeg, 8x8)\n`);
    expect(io.stderr.text).toContain(
      `hotdog: ${file('notes.jpg')}: upload failed: worker returned HTTP 415 UNSUPPORTED_IMAGE_TYPE: notes.jpg is not a PNG or JPEG image (request id fake-request)`,
    );
    expect(io.stdout.text).toContain('Uploaded 2 of 3 files: 2 created, 0 already present, 1 failed.');
  });

  it('exits 0 when every file succeeds', async () => {
    const io = createTestIo();

    const code = await runCli(['upload', '--annotator', 'alice', '--worker', worker.url, file('red.png')], io);

    expect(code, io.stderr.text).toBe(0);
    expect(io.stderr.text).toBe('');
  });

  it('reports a file the worker already has', async () => {
    const io = createTestIo();

    const code = await runCli(
      ['upload', '--annotator', 'alice', '--worker', worker.url, file('red.png'), file('red.png')],
      io,
    );

    expect(code).toBe(0);
    expect(io.stdout.text).toContain(`${file('red.png')}: already present, id ${sha256(PNG_BYTES)}`);
    expect(io.stdout.text).toContain('Uploaded 2 of 2 files: 1 created, 1 already present, 0 failed.');
  });

  it('names a missing file and still uploads the others', async () => {
    const io = createTestIo();

    const code = await runCli(
      ['upload', '--annotator', 'alice', '--worker', worker.url, file('missing.png'), file('red.png')],
      io,
    );

    expect(code).toBe(1);
    expect(io.stderr.text).toContain(`hotdog: ${file('missing.png')}: upload failed: file not found: ${file('missing.png')}`);
    expect(uploadPosts()).toHaveLength(1);
    expect(io.stdout.text).toContain(`${file('red.png')}: created`);
  });

  it('fails a directory without sending it', async () => {
    const io = createTestIo();

    const code = await runCli(['upload', '--annotator', 'alice', '--worker', worker.url, file('folder.png')], io);

    expect(code).toBe(1);
    expect(io.stderr.text).toContain(`${file('folder.png')} is not a regular file`);
    expect(uploadPosts()).toHaveLength(0);
  });

  it("prints the worker's message for an empty file", async () => {
    const io = createTestIo();

    const code = await runCli(['upload', '--annotator', 'alice', '--worker', worker.url, file('empty.png')], io);

    expect(code).toBe(1);
    expect(io.stderr.text).toContain('HTTP 400 EMPTY_FILE: empty.png is empty');
  });

  it('fails every file with the URL when the worker is unreachable', async () => {
    const closedUrl = await findClosedPortUrl();
    const io = createTestIo();

    const code = await runCli(['upload', '--annotator', 'alice', '--worker', closedUrl, file('red.png'), file('orange.jpg')], io);

    expect(code).toBe(1);
    expect(io.stderr.text.match(/ECONNREFUSED/g)).toHaveLength(2);
    expect(io.stderr.text).toContain(`${closedUrl}/v1/images`);
  });
});

describe('hotdog upload multipart body (client unit, fake worker)', () => {
  it('sends the annotator field first and the file bytes intact', async () => {
    const io = createTestIo();

    const code = await runCli(['upload', '--annotator', 'alice', '--worker', worker.url, file('noise.png')], io);

    expect(code, io.stderr.text).toBe(0);
    const parts = state.uploads[0] ?? [];
    expect(parts.map((part) => part.name)).toEqual(['annotator', 'image']);
    expect(parts[0]?.data.toString('utf8')).toBe('alice');
    expect(parts[0]?.fileName).toBeUndefined();
    expect(parts[1]?.fileName).toBe('noise.png');
    expect(parts[1]?.headers['content-type']).toBe('image/png');
    expect(parts[1]?.data.length).toBe(NOISE_BYTES.length);
    expect(sha256(parts[1]?.data ?? Buffer.alloc(0))).toBe(sha256(NOISE_BYTES));
  });

  it('declares a Content-Length equal to the body length', async () => {
    const io = createTestIo();

    await runCli(['upload', '--annotator', 'alice', '--worker', worker.url, file('noise.png')], io);

    const request = uploadPosts()[0];
    expect(request?.headers['content-length']).toBe(String(request?.bytes.length));
    expect(request?.headers['transfer-encoding']).toBeUndefined();
    expect(request?.contentType).toMatch(/^multipart\/form-data; boundary=hotdog-[0-9a-f]{32}$/);
  });

  it('encodes a non-ASCII file name with filename*', async () => {
    const io = createTestIo();

    const code = await runCli(['upload', '--annotator', 'alice', '--worker', worker.url, file('hotdög "1".png')], io);

    expect(code, io.stderr.text).toBe(0);
    const part = state.uploads[0]?.[1];
    expect(part?.fileNameStar).toBe('hotdög "1".png');
    expect(part?.fileName).toBe('hotd_g _1_.png');
  });
});

describe('hotdog upload progress (client unit, fake worker)', () => {
  it('prints plain progress lines when stdout is not a terminal', async () => {
    const io = createTestIo();

    await runCli(['upload', '--annotator', 'alice', '--worker', worker.url, file('noise.png')], io);

    const lines = io.stdout.text.split('\n');
    expect(lines[0]).toMatch(/noise\.png: sending \d+\.\d KiB$/);
    expect(lines.filter((line) => line.includes('noise.png: sent '))).toHaveLength(4);
    expect(io.stdout.text).toContain('(100%)');
    expect(io.stdout.text).not.toContain('\r');
  });

  it('redraws a bar with bytes sent on a terminal', async () => {
    const io = createTestIo({ stdoutIsTTY: true });

    await runCli(['upload', '--annotator', 'alice', '--worker', worker.url, file('noise.png')], io);

    const total = `${(NOISE_BYTES.length / 1024).toFixed(1)} KiB`;
    expect(io.stdout.text).toContain(`[${'#'.repeat(24)}]  ${total} / ${total}  100%`);
    expect(io.stdout.text).toContain(`  [${'-'.repeat(24)}]  0 B / ${total}  0%`);
    expect(io.stdout.text).toContain('\r\u001B[2K');
  });
});

/** Starts a raw node:http server on 127.0.0.1 for cases that the fake worker, which reads whole bodies, cannot show. */
async function startRawServer(onRequest: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(onRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function stopRawServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('hotdog upload against a worker that does not read the body (client unit)', () => {
  it('reports a 413 sent before the body ends', async () => {
    const { url, server } = await startRawServer((request, response) => {
      response.writeHead(413, { 'content-type': 'application/json', 'x-request-id': 'early' });
      response.end(
        JSON.stringify({ error: { code: 'FILE_TOO_LARGE', message: 'large.png is larger than 10 MiB', details: {} } }),
      );
      setTimeout(() => request.socket.destroy(), 10);
    });
    const io = createTestIo();

    try {
      const code = await runCli(['upload', '--annotator', 'alice', '--worker', url, file('large.png')], io);

      expect(code).toBe(1);
      expect(io.stderr.text).toContain('HTTP 413 FILE_TOO_LARGE: large.png is larger than 10 MiB (request id early)');
    } finally {
      await stopRawServer(server);
    }
  });

  it('fails after --timeout seconds without progress', async () => {
    const { url, server } = await startRawServer((request) => {
      request.pause();
    });
    const io = createTestIo();

    try {
      const code = await runCli(
        ['upload', '--annotator', 'alice', '--timeout', '0.3', '--worker', url, file('large.png'), file('red.png')],
        io,
      );

      expect(code).toBe(1);
      expect(io.stderr.text.match(/timed out after 0\.3 s without progress/g)).toHaveLength(2);
    } finally {
      await stopRawServer(server);
    }
  });
});

describe('hotdog upload command line (client unit)', () => {
  it.each([
    { case: 'no files', argv: ['--annotator', 'alice'], expected: 'missing files to upload' },
    { case: 'no annotator', argv: ['x.png'], expected: 'missing annotator' },
  ])('rejects $case with exit 2', async ({ argv, expected }) => {
    const io = createTestIo();

    const code = await runCli(['upload', '--worker', worker.url, ...argv], io);

    expect(code).toBe(2);
    expect(io.stderr.text).toContain(expected);
    expect(worker.requests).toHaveLength(0);
  });
});

describe('hotdog upload --api-token (client unit, fake worker)', () => {
  it.each([
    { case: 'the option', argv: ['--api-token', 'token-from-option-0123'], env: {}, header: 'Bearer token-from-option-0123' },
    { case: 'HOTDOG_API_TOKEN', argv: [], env: { HOTDOG_API_TOKEN: 'token-from-env-0123456' }, header: 'Bearer token-from-env-0123456' },
    { case: 'neither', argv: [], env: {}, header: undefined },
  ])('sends the token from $case', async ({ argv, env, header }) => {
    const io = createTestIo({ env });

    await runCli(['upload', '--annotator', 'alice', '--worker', worker.url, ...argv, file('red.png')], io);

    expect(uploadPosts().at(-1)?.headers.authorization).toBe(header);
  });
});
