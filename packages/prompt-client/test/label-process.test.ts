import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { childEnv, CLIENT_CLI, runClient, startWorker, stopByPid, WORKER_CLI } from './_child.js';
import type { StartedWorker } from './_child.js';
import { createLabelWorkerState, labelWorkerHandler } from './_fake-label-worker.js';
import type { LabelWorkerState } from './_fake-label-worker.js';
import { startFakeWorker } from './_fake-worker.js';
import type { FakeWorker } from './_fake-worker.js';
import { createPng, sha256, solid } from './_images.js';
import { hasScriptCommand, PtySession } from './_pty.js';

// These tests run the built binary of label, upload and report against a fake worker, so
// `pnpm --filter @hotdog-lab/prompt-client build` must run first.
beforeAll(() => {
  if (!existsSync(CLIENT_CLI)) {
    throw new Error(`${CLIENT_CLI} is missing; run pnpm --filter @hotdog-lab/prompt-client build first`);
  }
});

const IMAGES = [
  createPng(8, 6, solid([255, 0, 0, 255])),
  createPng(8, 6, solid([0, 255, 0, 255])),
  createPng(8, 6, solid([0, 0, 255, 255])),
  createPng(8, 6, solid([255, 255, 0, 255])),
];

let worker: FakeWorker;
let state: LabelWorkerState;

beforeAll(async () => {
  worker = await startFakeWorker();
});

beforeEach(() => {
  state = createLabelWorkerState(IMAGES);
  worker.handle(labelWorkerHandler(state));
});

afterEach(() => {
  worker.reset();
});

afterAll(async () => {
  await worker.close();
});

function labelPosts() {
  return worker.requests.filter((request) => request.method === 'POST' && request.url === '/v1/labels');
}

describe('built hotdog label, upload and report against a fake worker', () => {
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'hotdog-process-test-'));
    writeFileSync(join(directory, 'dog.png'), IMAGES[0] as Buffer);
    writeFileSync(join(directory, 'fake.jpg'), 'plain text with a .jpg name\n');
  });

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('exits 2 for label when stdin is not a terminal', async () => {
    const result = await runClient(['label', '--annotator', 'alice', '--worker', worker.url]);

    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('stdin is not a terminal');
    expect(result.stderr).not.toContain('    at ');
    expect(worker.requests).toHaveLength(0);
  });

  it('uploads a PNG and reports a text file named .jpg', async () => {
    state.images = [];
    const png = join(directory, 'dog.png');
    const text = join(directory, 'fake.jpg');

    const result = await runClient(['upload', '--annotator', 'alice', '--worker', worker.url, png, text]);

    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain(`${png}: created, id ${sha256(IMAGES[0] as Buffer)} (image/png, 8x6)`);
    expect(result.stderr).toContain(`${text}: upload failed: worker returned HTTP 415 UNSUPPORTED_IMAGE_TYPE`);
    expect(result.stdout).toContain('Uploaded 1 of 2 files: 1 created, 0 already present, 1 failed.');
    expect(result.stdout).not.toContain('\u001B[');
  });

  it('prints the report table', async () => {
    const [first] = state.images;
    state.answers.set('a1', { annotator: 'alice', image: first?.id ?? '', label: 1, answerId: 'a1' });

    const result = await runClient(['report', '--worker', worker.url]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${first?.id.slice(0, 12)}\\s+1\\s+1\\s+0\\s+hot dog\\s+100\\.0%\\s+hot dog\\s+100\\.0%\\s+needs labels$`, 'm'));
    expect(result.stdout).toContain('overall: 1 answers on 1 images by 1 annotators, agreement 100.0%');
  });
});

describe.skipIf(!hasScriptCommand())('built hotdog label in a pseudo-terminal (needs util-linux script)', () => {
  let session: PtySession | undefined;

  afterEach(() => {
    session?.kill();
    session = undefined;
  });

  const start = () => {
    const argv = [process.execPath, CLIENT_CLI, 'label', '--annotator', 'alice', '--worker', worker.url];
    session = new PtySession(argv, childEnv({ TERM: 'xterm' }));
    return session;
  };

  it('labels four images with single keys and sends the answers once', async () => {
    const pty = start();

    let position = 0;
    for (const [index, key] of ['h', 'n', 's', '1'].entries()) {
      position = await pty.waitFor(`Image ${index + 1} of 4: hot dog?`, position);
      pty.type(key);
    }
    const result = await pty.exited;

    expect(result.code, pty.output).toBe(0);
    expect(labelPosts()).toHaveLength(1);
    const body = JSON.parse(labelPosts()[0]?.body ?? '') as { answers: Array<{ image: string; label: number }> };
    expect(body.answers.map((answer) => answer.label)).toEqual([1, 0, 1]);
    expect(body.answers.map((answer) => answer.image)).toEqual([0, 1, 3].map((index) => state.images[index]?.id));
    expect(pty.output).toContain('Labeled 3 of 4 images: 2 hot dog, 1 not hot dog, 1 skipped.');
    // The pseudo-terminal is a colour terminal without an image protocol, so pictures are blocks.
    expect(pty.output).toContain('\u001B[38;5;196m\u001B[48;5;196m\u2580');
  });

  it('accepts arrows and Enter', async () => {
    const pty = start();

    let position = 0;
    for (const [index, keys] of ['\r', '\u001B[B\r', '\u001B[B\u001B[B\r', '\r'].entries()) {
      position = await pty.waitFor(`Image ${index + 1} of 4: hot dog?`, position);
      pty.type(keys);
    }
    const result = await pty.exited;

    expect(result.code, pty.output).toBe(0);
    const body = JSON.parse(labelPosts()[0]?.body ?? '') as { answers: Array<{ label: number }> };
    expect(body.answers.map((answer) => answer.label)).toEqual([1, 0, 1]);
  });

  it('exits 130 on Ctrl-C and sends nothing', async () => {
    const pty = start();

    const position = await pty.waitFor('Image 1 of 4: hot dog?');
    pty.type('h');
    await pty.waitFor('Image 2 of 4: hot dog?', position);
    pty.type('\u0003');
    const result = await pty.exited;

    expect(result.code, pty.output).toBe(130);
    expect(pty.output).toContain('cancelled; no answers were sent');
    expect(labelPosts()).toHaveLength(0);
  });
});

/**
 * True when the built worker has the labeling routes and --seed-demo. The worker package is
 * written in parallel with this one, so the real-worker tests skip until its build has both.
 */
function workerSupportsLabeling(): boolean {
  if (!existsSync(WORKER_CLI)) {
    return false;
  }
  const source = readFileSync(WORKER_CLI, 'utf8');
  return source.includes('seed-demo') && source.includes('/v1/images/sample');
}

describe.skipIf(!workerSupportsLabeling() || !hasScriptCommand())(
  'built hotdog against the real worker with demo images (needs http-worker build and util-linux script)',
  () => {
    let realWorker: StartedWorker;
    let storageDir: string;
    let filesDir: string;
    let session: PtySession | undefined;

    beforeAll(async () => {
      storageDir = mkdtempSync(join(tmpdir(), 'hotdog-real-worker-'));
      filesDir = mkdtempSync(join(tmpdir(), 'hotdog-real-files-'));
      realWorker = await startWorker(['--storage', `fs:${storageDir}`, '--seed-demo']);
    });

    afterEach(() => {
      session?.kill();
      session = undefined;
    });

    afterAll(async () => {
      if (realWorker !== undefined) {
        await stopByPid(realWorker.child);
      }
      rmSync(storageDir, { recursive: true, force: true });
      rmSync(filesDir, { recursive: true, force: true });
    });

    it('records four labeling answers in labels.csv', async () => {
      const argv = [process.execPath, CLIENT_CLI, 'label', '--annotator', 'alice', '--worker', realWorker.url];
      session = new PtySession(argv, childEnv({ TERM: 'xterm' }));
      const pty = session;

      let position = 0;
      for (const [index, key] of ['h', 'n', 's', '1'].entries()) {
        position = await pty.waitFor(`Image ${index + 1} of 4: hot dog?`, position);
        pty.type(key);
      }
      const result = await pty.exited;

      expect(result.code, pty.output).toBe(0);
      expect(pty.output).toContain('The worker recorded 3 answers; 0 were duplicates');
      const shown = [...pty.output.matchAll(/Image \d of 4(?:\u001B\[22m)?  ([0-9a-f]{64})/g)].map((match) => match[1]);
      expect(shown).toHaveLength(4);

      const csv = readFileSync(join(storageDir, 'labels', 'labels.csv'), 'utf8').trim().split('\n');
      const header = (csv[0] ?? '').split(',');
      const rows = csv.slice(1).map((line) => Object.fromEntries(line.split(',').map((cell, index) => [header[index], cell])));
      expect(rows).toHaveLength(3);
      expect(rows.map((row) => row.image)).toEqual([shown[0], shown[1], shown[3]]);
      expect(rows.map((row) => row.label)).toEqual(['1', '0', '1']);
      expect(rows.every((row) => row.annotator === 'alice')).toBe(true);

      const report = await runClient(['report', '--worker', realWorker.url]);
      expect(report.code, report.stderr).toBe(0);
      expect(report.stdout).toContain('overall: 3 answers on 3 images by 1 annotators, agreement 100.0%');
    });

    it('uploads a PNG and rejects a text file named .jpg', async () => {
      const pngBytes = createPng(5, 3, solid([12, 34, 56, 255]));
      const png = join(filesDir, 'upload.png');
      const text = join(filesDir, 'notes.jpg');
      writeFileSync(png, pngBytes);
      writeFileSync(text, 'not an image\n');

      const result = await runClient(['upload', '--annotator', 'alice', '--worker', realWorker.url, png, text]);

      expect(result.code, result.stderr).toBe(1);
      expect(result.stdout).toContain(`${png}: created, id ${sha256(pngBytes)} (image/png, 5x3)`);
      expect(result.stderr).toContain(`${text}: upload failed: worker returned HTTP 415 UNSUPPORTED_IMAGE_TYPE`);
      expect(result.stderr).toContain('notes.jpg');
    });
  },
);
