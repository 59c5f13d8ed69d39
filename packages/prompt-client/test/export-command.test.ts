import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { assignSplits } from '../src/_dataset-split.js';
import { runCli } from '../src/index.js';
import { createLabelWorkerState, labelWorkerHandler, type LabelWorkerState } from './_fake-label-worker.js';
import { sendJson, startFakeWorker, type FakeWorker } from './_fake-worker.js';
import { createJpeg, createPng, solid } from './_images.js';
import { createTestIo } from './_streams.js';

// Client unit tests of `hotdog export` against a fake worker on 127.0.0.1 started here. The fake
// consensus labels each image by its majority, with the vote share as confidence.

const IMAGES = [
  createJpeg(4, 4, solid([200, 40, 40, 255])),
  createJpeg(4, 4, solid([190, 60, 30, 255])),
  createPng(3, 3, solid([210, 30, 50, 255])),
  createJpeg(4, 4, solid([20, 200, 40, 255])),
  createJpeg(4, 4, solid([30, 180, 60, 255])),
  createPng(3, 3, solid([40, 190, 20, 255])),
  createJpeg(5, 5, solid([90, 90, 90, 255])),
];

let worker: FakeWorker;
let state: LabelWorkerState;
let outDir: string;

beforeAll(async () => {
  worker = await startFakeWorker();
});

beforeEach(() => {
  state = createLabelWorkerState(IMAGES);
  // Images 0-2 are hot dogs and 3-5 are not, by three unanimous votes; image 6 is a 1-1 tie.
  for (const [index, image] of state.images.entries()) {
    const votes: number[] = index < 3 ? [1, 1, 1] : index < 6 ? [0, 0, 0] : [1, 0];
    votes.forEach((label, voter) => {
      const answerId = `${index}-${voter}`;
      state.answers.set(answerId, { annotator: `voter-${voter}`, image: image.id, label, answerId });
    });
  }
  worker.handle(labelWorkerHandler(state));
  outDir = mkdtempSync(join(tmpdir(), 'hotdog-export-'));
});

afterEach(() => {
  worker.reset();
  rmSync(outDir, { recursive: true, force: true });
});

afterAll(async () => {
  await worker.close();
});

function listTree(dir: string): string[] {
  const files: string[] = [];
  for (const split of ['train', 'val']) {
    for (const name of ['hotdog', 'not_hotdog']) {
      for (const file of readdirSync(join(dir, split, name))) files.push(`${split}/${name}/${file}`);
    }
  }
  return files.sort();
}

function manifestRows(dir: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(join(dir, 'manifest.csv'), 'utf8').trimEnd().split('\r\n');
  const columns = (header ?? '').split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, index) => [columns[index], cell])));
}

async function exportFolder(...extra: string[]) {
  const io = createTestIo();
  const code = await runCli(['export', '--format', 'imagefolder', '--out', outDir, '--worker', worker.url, ...extra], io);
  return { code, io };
}

describe('hotdog export --format csv and jsonl (client unit, fake worker)', () => {
  it('csv prints the worker CSV', async () => {
    const io = createTestIo();

    const code = await runCli(['export', '--format', 'csv', '--worker', worker.url], io);

    expect(code, io.stderr.text).toBe(0);
    expect(io.stdout.text.startsWith('image,label,confidence,votes,hot_dog_votes,not_hot_dog_votes,annotators,needs_more_labels\r\n')).toBe(true);
    expect(io.stdout.text.trimEnd().split('\r\n')).toHaveLength(8);
    expect(worker.requests[0]?.url).toBe('/v1/export/labels.csv');
  });

  it('csv --out writes the file', async () => {
    const io = createTestIo();
    const file = join(outDir, 'labels.csv');

    const code = await runCli(['export', '--format', 'csv', '--out', file, '--worker', worker.url], io);

    expect(code).toBe(0);
    expect(io.stdout.text).toBe('');
    expect(readFileSync(file, 'utf8').split('\r\n')[0]).toBe('image,label,confidence,votes,hot_dog_votes,not_hot_dog_votes,annotators,needs_more_labels');
  });

  it('jsonl prints one object per image', async () => {
    const io = createTestIo();

    const code = await runCli(['export', '--format', 'jsonl', '--worker', worker.url], io);
    const lines = io.stdout.text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

    expect(code).toBe(0);
    expect(lines).toHaveLength(7);
    expect(lines.find((line) => line.id === state.images[0]?.id)).toEqual({ id: state.images[0]?.id, label: 1, confidence: 1, votes: 3 });
    expect(worker.requests[0]?.url).toBe('/v1/labels/consensus');
  });

  it('csv rejects a response that is not CSV', async () => {
    worker.handle((_request, response) => sendJson(response, 200, { images: [] }));
    const io = createTestIo();

    const code = await runCli(['export', '--format', 'csv', '--worker', worker.url], io);

    expect(code).toBe(1);
    expect(io.stderr.text).toContain('without CSV');
  });
});

describe('hotdog export --format imagefolder (client unit, fake worker)', () => {
  it('writes both classes, the manifest and the summary', async () => {
    const { code, io } = await exportFolder('--val-share', '0.34', '--seed', '3');
    const rows = manifestRows(outDir);

    expect(code, io.stderr.text).toBe(0);
    expect(listTree(outDir)).toEqual(rows.map((row) => row.file).sort());
    expect(rows).toHaveLength(6);
    for (const row of rows) {
      const bytes = readFileSync(join(outDir, row.file as string));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(row.sha256);
      expect(row.sha256).toBe(row.image);
      expect(row.file).toBe(`${row.split}/${row.label === '1' ? 'hotdog' : 'not_hotdog'}/${row.image}.${row.file?.endsWith('.png') ? 'png' : 'jpg'}`);
      expect(row.bytes).toBe(String(bytes.byteLength));
    }
    for (const split of ['train', 'val']) {
      expect(rows.some((row) => row.split === split && row.label === '1'), split).toBe(true);
      expect(rows.some((row) => row.split === split && row.label === '0'), split).toBe(true);
    }
    expect(io.stdout.text).toContain('Exported 6 images to');
    expect(io.stdout.text).toContain('left out 1 below the minimum confidence');
  });

  it('second run downloads nothing', async () => {
    await exportFolder();
    const before = worker.requests.length;

    const { code, io } = await exportFolder();

    expect(code).toBe(0);
    expect(worker.requests.slice(before).map((request) => request.url)).toEqual(['/v1/labels/consensus']);
    expect(io.stdout.text).toContain('downloaded 0, already present 6, re-downloaded 0');
  });

  it('corrupt file is downloaded again', async () => {
    await exportFolder();
    const [first] = manifestRows(outDir);
    writeFileSync(join(outDir, first?.file as string), 'not an image');

    const { code, io } = await exportFolder();

    expect(code).toBe(0);
    expect(io.stdout.text).toContain('downloaded 0, already present 5, re-downloaded 1');
    expect(createHash('sha256').update(readFileSync(join(outDir, first?.file as string))).digest('hex')).toBe(first?.image);
  });

  it('changed label moves the file and a dropped image is removed', async () => {
    await exportFolder();
    const hotDog = state.images[0]?.id as string;
    const dropped = state.images[1]?.id as string;
    for (const voter of [0, 1, 2]) {
      const answer = state.answers.get(`0-${voter}`);
      if (answer) answer.label = 0;
    }
    // Two of three votes leave image 1 at confidence 2/3, below the minimum.
    const split = state.answers.get('1-0');
    if (split) split.label = 0;

    const { code, io } = await exportFolder('--min-confidence', '0.9');
    const files = listTree(outDir);

    expect(code).toBe(0);
    expect(files.some((file) => file.includes('/not_hotdog/') && file.includes(hotDog))).toBe(true);
    expect(files.some((file) => file.includes(dropped))).toBe(false);
    expect(io.stdout.text).toContain('moved 1, removed 1 no longer exported');
  });

  it('leaves other files alone', async () => {
    await exportFolder();
    writeFileSync(join(outDir, 'train', 'hotdog', 'notes.txt'), 'keep me');

    await exportFolder();

    expect(existsSync(join(outDir, 'train', 'hotdog', 'notes.txt'))).toBe(true);
  });

  it('retries an image after a 503', async () => {
    const handler = labelWorkerHandler(state);
    let failed = false;
    worker.handle((request, response) => {
      if (!failed && request.url.startsWith('/v1/images/')) {
        failed = true;
        sendJson(response, 503, { error: { code: 'UNAVAILABLE', message: 'busy', details: {} } });
        return;
      }
      handler(request, response);
    });

    const { code, io } = await exportFolder();

    expect(code, io.stderr.text).toBe(0);
    expect(io.stdout.text).toContain('Exported 6 images');
  });

  it('missing image fails that image with exit 1', async () => {
    const handler = labelWorkerHandler(state);
    const missing = state.images[3]?.id as string;
    worker.handle((request, response) => {
      if (request.url === `/v1/images/${missing}`) {
        sendJson(response, 404, { error: { code: 'IMAGE_NOT_FOUND', message: `image ${missing} does not exist`, details: {} } });
        return;
      }
      handler(request, response);
    });

    const { code, io } = await exportFolder();

    expect(code).toBe(1);
    expect(io.stderr.text).toContain(`image ${missing} failed: worker returned HTTP 404 IMAGE_NOT_FOUND`);
    expect(manifestRows(outDir)).toHaveLength(5);
  });

  it('prints plain progress lines when stderr is not a terminal', async () => {
    const { io } = await exportFolder();

    expect(io.stderr.text).toContain('images: 6 of 6 (100%)\n');
  });
});

describe('hotdog export usage errors', () => {
  it.each([
    { case: 'a missing --format', argv: [], message: 'missing --format' },
    { case: 'an unknown format', argv: ['--format', 'tar'], message: 'invalid --format "tar"' },
    { case: 'imagefolder without --out', argv: ['--format', 'imagefolder'], message: 'missing --out DIR' },
    { case: '--val-share 2', argv: ['--format', 'imagefolder', '--out', 'x', '--val-share', '2'], message: 'invalid --val-share "2"' },
    { case: '--min-confidence -1', argv: ['--format', 'imagefolder', '--out', 'x', '--min-confidence=-1'], message: 'invalid --min-confidence "-1"' },
    { case: '--seed x', argv: ['--format', 'imagefolder', '--out', 'x', '--seed', 'x'], message: 'invalid --seed "x"' },
    { case: '--seed with csv', argv: ['--format', 'csv', '--seed', '1'], message: 'option --seed applies only to --format imagefolder' },
  ])('rejects $case with exit 2', async ({ argv, message }) => {
    const io = createTestIo();

    const code = await runCli(['export', '--worker', worker.url, ...argv], io);

    expect(code).toBe(2);
    expect(io.stderr.text).toContain(message);
    expect(worker.requests).toHaveLength(0);
  });
});

describe('assignSplits', () => {
  const items = (count: number, label: 0 | 1) => Array.from({ length: count }, (_, index) => ({ id: `${label}-${index}`, label }));

  it.each([
    { case: 'two per class', hotDogs: 2, others: 2, share: 0.2 },
    { case: 'many per class', hotDogs: 50, others: 40, share: 0.2 },
    { case: 'a small share', hotDogs: 5, others: 5, share: 0.01 },
    { case: 'a large share', hotDogs: 5, others: 5, share: 0.99 },
  ])('gives both splits both classes for $case', ({ hotDogs, others, share }) => {
    const all = [...items(hotDogs, 1), ...items(others, 0)];

    const splits = assignSplits(all, share, 7);

    for (const label of [0, 1]) {
      const ofClass = all.filter((item) => item.label === label).map((item) => splits.get(item.id));
      expect(ofClass).toContain('train');
      expect(ofClass).toContain('val');
    }
  });

  it.each([
    { share: 0, expected: 'train' },
    { share: 1, expected: 'val' },
  ])('share $share puts everything in $expected', ({ share, expected }) => {
    const splits = assignSplits(items(5, 1), share, 1);

    expect(new Set(splits.values())).toEqual(new Set([expected]));
  });

  it('same seed gives the same split and another seed another', () => {
    const all = items(40, 1);

    expect(assignSplits(all, 0.3, 5)).toEqual(assignSplits([...all].reverse(), 0.3, 5));
    expect(assignSplits(all, 0.3, 5)).not.toEqual(assignSplits(all, 0.3, 6));
  });

  it('one image stays in train', () => {
    expect([...assignSplits(items(1, 0), 0.2, 1).values()]).toEqual(['train']);
  });
});
