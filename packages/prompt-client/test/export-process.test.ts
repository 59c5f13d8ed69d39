import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { childEnv, runClient, startWorker, stopByPid, WORKER_CLI, type StartedWorker } from './_child.js';

// End to end: the built worker with --seed-demo --gold-demo on a temporary fs store, labels
// posted over HTTP by simulated annotators, and the built `hotdog export --format imagefolder`
// and `hotdog report` run as child processes.

const DEMO_DIR = fileURLToPath(new URL('../../label-store/demo-images/', import.meta.url));

/** Demo images labeled in this test; the others keep no votes and must stay out of the export. */
const LABELED_IMAGES = 16;

/** Reads the demo manifest and computes each file's id (its SHA-256); sorted by id. */
function readDemoTruth(): { id: string; truth: 0 | 1 }[] {
  const lines = readFileSync(join(DEMO_DIR, 'manifest.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
  return lines
    .map((line) => {
      const [file, truth] = line.split(',');
      const id = createHash('sha256').update(readFileSync(join(DEMO_DIR, file as string))).digest('hex');
      return { id, truth: truth === '1' ? (1 as const) : (0 as const) };
    })
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Mulberry32: a small seeded generator, so the random annotator answers the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function listImages(dir: string): string[] {
  const files: string[] = [];
  for (const split of ['train', 'val']) {
    for (const name of ['hotdog', 'not_hotdog']) {
      for (const file of readdirSync(join(dir, split, name))) files.push(`${split}/${name}/${file}`);
    }
  }
  return files.sort();
}

describe.skipIf(!existsSync(WORKER_CLI))('built hotdog export against the real worker with demo gold', () => {
  let worker: StartedWorker;
  let storageDir: string;
  let outDir: string;
  const demo = readDemoTruth();
  const labeled = demo.slice(0, LABELED_IMAGES);

  beforeAll(async () => {
    storageDir = mkdtempSync(join(tmpdir(), 'hotdog-export-store-'));
    outDir = mkdtempSync(join(tmpdir(), 'hotdog-export-out-'));
    worker = await startWorker(['--storage', `fs:${storageDir}`, '--seed-demo', '--gold-demo']);

    const random = seededRandom(42);
    const annotators: [string, (truth: 0 | 1) => 0 | 1][] = [
      ['careful-ana', (truth) => truth],
      ['careful-bo', (truth) => truth],
      ['random-cy', () => (random() < 0.5 ? 1 : 0)],
    ];
    for (const [annotator, answer] of annotators) {
      const answers = labeled.map((image) => ({ image: image.id, label: answer(image.truth), answerId: randomUUID() }));
      const response = await fetch(`${worker.url}/v1/labels`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ annotator, answers }),
      });
      expect(response.status, await response.text()).toBe(200);
    }
  });

  afterAll(async () => {
    if (worker !== undefined) {
      await stopByPid(worker.child);
    }
    rmSync(storageDir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  });

  it('exports a loadable image folder, resumes and repairs', async () => {
    const args = ['export', '--format', 'imagefolder', '--out', outDir, '--worker', worker.url, '--seed', '1'];

    const first = await runClient(args, childEnv(), 30_000);

    expect(first.code, first.stderr).toBe(0);
    const files = listImages(outDir);
    expect(files).toHaveLength(LABELED_IMAGES);
    expect(files.some((file) => file.startsWith('train/hotdog/'))).toBe(true);
    expect(files.some((file) => file.startsWith('train/not_hotdog/'))).toBe(true);
    for (const file of files) {
      const bytes = readFileSync(join(outDir, file));
      const id = file.slice(file.lastIndexOf('/') + 1, -'.jpg'.length);
      expect(file.endsWith('.jpg'), file).toBe(true);
      expect([...bytes.subarray(0, 3)], file).toEqual([0xff, 0xd8, 0xff]);
      expect([...bytes.subarray(-2)], file).toEqual([0xff, 0xd9]);
      expect(sha256(bytes), file).toBe(id);
      const truth = demo.find((image) => image.id === id)?.truth;
      expect(file.includes(truth === 1 ? '/hotdog/' : '/not_hotdog/'), file).toBe(true);
    }

    const [header, ...rows] = readFileSync(join(outDir, 'manifest.csv'), 'utf8').trimEnd().split('\r\n');
    expect(header).toBe('file,image,split,label,class,confidence,sha256,bytes');
    expect(rows.map((row) => row.split(',')[0])).toEqual(files);
    for (const row of rows) {
      const [file, , split, , , confidence, checksum] = row.split(',');
      expect(sha256(readFileSync(join(outDir, file as string)))).toBe(checksum);
      expect(file?.startsWith(`${split}/`)).toBe(true);
      expect(confidence).toBe('1.000000');
    }

    const second = await runClient(args, childEnv(), 30_000);

    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain(`downloaded 0, already present ${LABELED_IMAGES}, re-downloaded 0`);

    const corrupted = files[0] as string;
    writeFileSync(join(outDir, corrupted), Buffer.from([0xff, 0xd8, 0xff, 0x00]));
    const third = await runClient(args, childEnv(), 30_000);

    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toContain(`downloaded 0, already present ${LABELED_IMAGES - 1}, re-downloaded 1`);
    expect(sha256(readFileSync(join(outDir, corrupted)))).toBe(corrupted.slice(corrupted.lastIndexOf('/') + 1, -'.jpg'.length));
  });

  it('csv export lists each labeled image once', async () => {
    const result = await runClient(['export', '--format', 'csv', '--worker', worker.url], childEnv(), 30_000);
    const rows = result.stdout.trimEnd().split('\r\n');

    expect(result.code, result.stderr).toBe(0);
    expect(rows[0]).toBe('image,label,confidence,votes,hot_dog_votes,not_hot_dog_votes,annotators,needs_more_labels');
    expect(rows.slice(1).map((row) => row.split(',')[0])).toEqual(labeled.map((image) => image.id));
    expect(rows.slice(1).map((row) => row.split(',')[1])).toEqual(labeled.map((image) => String(image.truth)));
  });

  it('report shows gold accuracy per annotator', async () => {
    const result = await runClient(['report', '--worker', worker.url], childEnv(), 30_000);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^careful-ana\\s+${LABELED_IMAGES}\\s+\\d+\\.\\d%\\s+100\\.0% of ${LABELED_IMAGES}$`, 'm'));
    expect(result.stdout).toMatch(/^random-cy\s+16\s+\d+\.\d%\s+\d+\.\d% of 16$/m);
    expect(result.stdout).toContain('(gold)');
  });
});
