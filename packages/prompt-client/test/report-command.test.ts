import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { runCli } from '../src/index.js';
import { createLabelWorkerState, labelWorkerHandler } from './_fake-label-worker.js';
import { sendJson, startFakeWorker } from './_fake-worker.js';
import type { FakeWorker } from './_fake-worker.js';
import { createTestIo } from './_streams.js';

// Client unit tests of `hotdog report` against a fake worker on 127.0.0.1 started here.

const SUMMARY = {
  images: [
    { image: `ffeeddccbbaa${'9'.repeat(52)}`, answers: 2, hotDog: 1, notHotDog: 1, majority: 'tie', agreement: 0.5 },
    { image: `0123456789ab${'c'.repeat(52)}`, answers: 3, hotDog: 2, notHotDog: 1, majority: 1, agreement: 2 / 3 },
    { image: `5555aaaa5555${'0'.repeat(52)}`, answers: 12, hotDog: 0, notHotDog: 12, majority: 0, agreement: 1 },
  ],
  overall: { answers: 17, images: 3, annotators: 4, agreement: 15 / 17 },
};

const EXPECTED_TABLE = [
  'image         answers  hot dog  not  majority     agreement',
  '0123456789ab        3        2    1  hot dog          66.7%',
  '5555aaaa5555       12        0   12  not hot dog     100.0%',
  'ffeeddccbbaa        2        1    1  tie              50.0%',
  '',
  'overall: 17 answers on 3 images by 4 annotators, agreement 88.2%',
  '',
].join('\n');

let worker: FakeWorker;

beforeAll(async () => {
  worker = await startFakeWorker();
});

afterEach(() => {
  worker.reset();
});

afterAll(async () => {
  await worker.close();
});

describe('hotdog report (client unit, fake worker)', () => {
  it('prints an aligned table sorted by image id', async () => {
    worker.handle((_request, response) => sendJson(response, 200, SUMMARY));
    const io = createTestIo();

    const code = await runCli(['report', '--worker', worker.url], io);

    expect(code, io.stderr.text).toBe(0);
    expect(io.stdout.text).toBe(EXPECTED_TABLE);
    expect(worker.requests[0]?.url).toBe('/v1/labels/summary');
  });

  it('prints the body as received with --json', async () => {
    worker.handle((_request, response) => sendJson(response, 200, SUMMARY));
    const io = createTestIo();

    const code = await runCli(['report', '--json', '--worker', worker.url], io);

    expect(code).toBe(0);
    expect(io.stdout.text).toBe(`${JSON.stringify(SUMMARY)}\n`);
  });

  it('bolds the header on a terminal', async () => {
    worker.handle((_request, response) => sendJson(response, 200, SUMMARY));
    const io = createTestIo({ stdoutIsTTY: true });

    await runCli(['report', '--worker', worker.url], io);

    expect(io.stdout.text.startsWith('\u001B[1mimage ')).toBe(true);
  });

  it('says that no labels exist yet', async () => {
    worker.handle(labelWorkerHandler(createLabelWorkerState([])));
    const io = createTestIo();

    const code = await runCli(['report', '--worker', worker.url], io);

    expect(code).toBe(0);
    expect(io.stdout.text).toBe(
      'No labels recorded yet.\noverall: 0 answers on 0 images by 0 annotators, agreement 0.0%\n',
    );
  });

  it('prints - for a null agreement', async () => {
    worker.handle((_request, response) =>
      sendJson(response, 200, { images: [], overall: { answers: 0, images: 0, annotators: 0, agreement: null } }),
    );
    const io = createTestIo();

    await runCli(['report', '--worker', worker.url], io);

    expect(io.stdout.text).toContain('agreement -\n');
  });

  it.each([
    { case: 'a missing overall', body: { images: [] } },
    { case: 'an agreement above 1', body: { ...SUMMARY, overall: { ...SUMMARY.overall, agreement: 1.5 } } },
    { case: 'an unknown majority', body: { ...SUMMARY, images: [{ ...SUMMARY.images[0], majority: 'hot dog' }] } },
  ])('exits 1 for a summary with $case', async ({ body }) => {
    worker.handle((_request, response) => sendJson(response, 200, body));
    const io = createTestIo();

    const code = await runCli(['report', '--worker', worker.url], io);

    expect(code).toBe(1);
    expect(io.stderr.text).toContain('without a label summary');
  });

  it('exits 1 with the worker error', async () => {
    worker.handle((_request, response) =>
      sendJson(response, 500, { error: { code: 'INTERNAL', message: 'storage failed', details: {} } }, 'req-9'),
    );
    const io = createTestIo();

    const code = await runCli(['report', '--worker', worker.url], io);

    expect(code).toBe(1);
    expect(io.stderr.text).toContain('worker returned HTTP 500 INTERNAL: storage failed (request id req-9)');
  });

  it('rejects a positional argument with exit 2', async () => {
    const io = createTestIo();

    const code = await runCli(['report', '--worker', worker.url, 'all'], io);

    expect(code).toBe(2);
    expect(io.stderr.text).toContain('unexpected argument "all" for hotdog report');
    expect(worker.requests).toHaveLength(0);
  });
});
