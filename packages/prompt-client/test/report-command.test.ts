import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { runCli } from '../src/index.js';
import { createLabelWorkerState, labelWorkerHandler } from './_fake-label-worker.js';
import { sendJson, startFakeWorker } from './_fake-worker.js';
import type { FakeWorker } from './_fake-worker.js';
import { createTestIo } from './_streams.js';

// Client unit tests of `hotdog report` against a fake worker on 127.0.0.1 started here.

const IMAGE_BASE = { annotators: 2, gold: null, needsMoreLabels: false };
const SUMMARY = {
  overall: { answers: 17, images: 3, annotators: 4, needsMoreLabels: 1, goldImages: 1, agreement: 15 / 17 },
  images: [
    { ...IMAGE_BASE, image: `ffeeddccbbaa${'9'.repeat(52)}`, answers: 2, hotDog: 1, notHotDog: 1, majority: 'tie', voteShare: 0.5, label: 0, confidence: 0.5, needsMoreLabels: true },
    { ...IMAGE_BASE, image: `0123456789ab${'c'.repeat(52)}`, answers: 3, hotDog: 2, notHotDog: 1, majority: 1, voteShare: 2 / 3, label: 1, confidence: 0.9123 },
    { ...IMAGE_BASE, image: `5555aaaa5555${'0'.repeat(52)}`, answers: 12, hotDog: 0, notHotDog: 12, majority: 0, voteShare: 1, label: 0, confidence: 1, gold: 0 },
  ],
  annotators: [
    { annotator: 'zoe', answers: 9, accuracy: 0.95, goldAnswers: 1, goldAccuracy: 1 },
    { annotator: 'ana', answers: 8, accuracy: 0.6, goldAnswers: 0, goldAccuracy: null },
  ],
};

const EXPECTED_TABLE = [
  'image         answers  hot dog  not  majority     agreement  label               confidence  status',
  '0123456789ab        3        2    1  hot dog          66.7%  hot dog                  91.2%  settled',
  '5555aaaa5555       12        0   12  not hot dog     100.0%  not hot dog (gold)      100.0%  settled',
  'ffeeddccbbaa        2        1    1  tie              50.0%  not hot dog              50.0%  needs labels',
  '',
  'annotator  answers  est. accuracy  gold accuracy',
  'ana              8          60.0%              -',
  'zoe              9          95.0%    100.0% of 1',
  '',
  'overall: 17 answers on 3 images by 4 annotators, agreement 88.2%, 1 images need more labels',
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
    expect(worker.requests[0]?.url).toBe('/v1/labels/consensus');
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
      'No labels recorded yet.\noverall: 0 answers on 0 images by 0 annotators, agreement 0.0%, 0 images need more labels\n',
    );
  });

  it('prints - for a null agreement', async () => {
    worker.handle((_request, response) =>
      sendJson(response, 200, { images: [], annotators: [], overall: { answers: 0, images: 0, annotators: 0, needsMoreLabels: 0, agreement: null } }),
    );
    const io = createTestIo();

    await runCli(['report', '--worker', worker.url], io);

    expect(io.stdout.text).toContain('agreement -, 0 images need more labels\n');
  });

  it.each([
    { case: 'a missing overall', body: { images: [], annotators: [] } },
    { case: 'an agreement above 1', body: { ...SUMMARY, overall: { ...SUMMARY.overall, agreement: 1.5 } } },
    { case: 'an unknown majority', body: { ...SUMMARY, images: [{ ...SUMMARY.images[0], majority: 'hot dog' }] } },
    { case: 'a confidence above 1', body: { ...SUMMARY, images: [{ ...SUMMARY.images[0], confidence: 1.2 }] } },
    { case: 'missing annotators', body: { ...SUMMARY, annotators: undefined } },
  ])('exits 1 for a summary with $case', async ({ body }) => {
    worker.handle((_request, response) => sendJson(response, 200, body));
    const io = createTestIo();

    const code = await runCli(['report', '--worker', worker.url], io);

    expect(code).toBe(1);
    expect(io.stderr.text).toContain('without a label consensus');
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
