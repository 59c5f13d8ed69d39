import prompts from 'prompts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { runCli } from '../src/index.js';
import { createLabelWorkerState, labelWorkerHandler } from './_fake-label-worker.js';
import type { LabelWorkerState } from './_fake-label-worker.js';
import { findClosedPortUrl, sendJson, startFakeWorker } from './_fake-worker.js';
import type { FakeWorker, RecordedRequest } from './_fake-worker.js';
import { createPng, solid } from './_images.js';
import { createTestIo } from './_streams.js';

// Client unit tests of `hotdog label`: runCli with injected prompt answers against a fake
// worker, a node:http server on 127.0.0.1 started here.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const IMAGES = [
  createPng(4, 4, solid([255, 0, 0, 255])),
  createPng(4, 4, solid([0, 255, 0, 255])),
  createPng(4, 4, solid([0, 0, 255, 255])),
  createPng(4, 4, solid([255, 255, 0, 255])),
];

interface LabelsBody {
  annotator: string;
  answers: Array<{ image: string; label: number; answerId: string }>;
}

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
  // prompts keeps injected answers in module state; drop any that a failed test left behind.
  (prompts as unknown as { _injected?: unknown[] })._injected = [];
});

afterAll(async () => {
  await worker.close();
});

function labelPosts(): RecordedRequest[] {
  return worker.requests.filter((request) => request.method === 'POST' && request.url === '/v1/labels');
}

function labelBodies(): LabelsBody[] {
  return labelPosts().map((request) => JSON.parse(request.body) as LabelsBody);
}

function ids(): string[] {
  return state.images.map((image) => image.id);
}

describe('hotdog label session (client unit, fake worker)', () => {
  it('sends hot dog and not hot dog answers, leaving out skips', async () => {
    prompts.inject(['hot-dog', 'not-hot-dog', 'skip', 'hot-dog']);
    const io = createTestIo();

    const code = await runCli(['label', '--annotator', 'alice', '--worker', worker.url], io);

    expect(code, io.stderr.text).toBe(0);
    expect(worker.requests[0]?.url).toBe('/v1/images/sample?annotator=alice&count=4');
    const bodies = labelBodies();
    expect(bodies).toHaveLength(1);
    const body = bodies[0] as LabelsBody;
    expect(body.annotator).toBe('alice');
    expect(body.answers.map((answer) => answer.image)).toEqual([ids()[0], ids()[1], ids()[3]]);
    expect(body.answers.map((answer) => answer.label)).toEqual([1, 0, 1]);
    for (const answer of body.answers) {
      expect(answer.answerId).toMatch(UUID);
    }
    expect(new Set(body.answers.map((answer) => answer.answerId)).size).toBe(3);
  });

  it('prints each image URL and the session summary', async () => {
    prompts.inject(['hot-dog', 'not-hot-dog', 'skip', 'hot-dog']);
    const io = createTestIo();

    await runCli(['label', '--annotator', 'alice', '--worker', worker.url], io);

    for (const id of ids()) {
      expect(io.stdout.text).toContain(`${worker.url}/v1/images/${id}\n`);
    }
    expect(io.stdout.text).toContain('Labeled 3 of 4 images: 2 hot dog, 1 not hot dog, 1 skipped.');
    expect(io.stdout.text).toContain('The worker recorded 3 answers; 0 were duplicates');
    expect(io.stdout.text).toContain('Showing 4 of the 4 images that alice has not labeled yet');
  });

  it('shows no pictures when stdout is not a terminal', async () => {
    prompts.inject(['skip', 'skip', 'skip', 'skip']);
    const io = createTestIo();

    await runCli(['label', '--annotator', 'alice', '--worker', worker.url], io);

    expect(worker.requests.filter((request) => /^\/v1\/images\/[0-9a-f]{64}$/.test(request.url))).toHaveLength(0);
    expect(io.stdout.text).not.toContain('\u001B[');
  });

  it('sends nothing when every image is skipped', async () => {
    prompts.inject(['skip', 'skip', 'skip', 'skip']);
    const io = createTestIo();

    const code = await runCli(['label', '--annotator', 'alice', '--worker', worker.url], io);

    expect(code).toBe(0);
    expect(labelPosts()).toHaveLength(0);
    expect(io.stdout.text).toContain('Labeled 0 of 4 images: 0 hot dog, 0 not hot dog, 4 skipped.');
    expect(io.stdout.text).toContain('Nothing to send');
  });

  it('passes --count and reads HOTDOG_ANNOTATOR', async () => {
    prompts.inject(['not-hot-dog', 'not-hot-dog']);
    const io = createTestIo({ env: { HOTDOG_ANNOTATOR: ' bob ' } });

    const code = await runCli(['label', '--count', '2', '--worker', worker.url], io);

    expect(code, io.stderr.text).toBe(0);
    expect(worker.requests[0]?.url).toBe('/v1/images/sample?annotator=bob&count=2');
    expect(labelBodies()[0]?.annotator).toBe('bob');
    expect(labelBodies()[0]?.answers.map((answer) => answer.label)).toEqual([0, 0]);
  });

  it('says so and exits 0 when the annotator labeled every image', async () => {
    for (const [index, id] of ids().entries()) {
      state.answers.set(`done-${index}`, { annotator: 'alice', image: id, label: 1, answerId: `done-${index}` });
    }
    const io = createTestIo();

    const code = await runCli(['label', '--annotator', 'alice', '--worker', worker.url], io);

    expect(code).toBe(0);
    expect(io.stdout.text).toContain('alice has labeled every image');
    expect(labelPosts()).toHaveLength(0);
  });

  it('exits 130 on cancel and sends nothing', async () => {
    prompts.inject(['hot-dog', new Error('Ctrl-C')]);
    const io = createTestIo();

    const code = await runCli(['label', '--annotator', 'alice', '--worker', worker.url], io);

    expect(code).toBe(130);
    expect(io.stderr.text).toContain('cancelled; no answers were sent');
    expect(labelPosts()).toHaveLength(0);
  });
});

describe('hotdog label sending (client unit, fake worker)', () => {
  it('retries with the same answer ids and records once', async () => {
    state.labelFailures = { remaining: 1, recordFirst: true };
    prompts.inject(['hot-dog', 'not-hot-dog', 'skip', 'skip']);
    const io = createTestIo();

    const code = await runCli(['label', '--annotator', 'alice', '--worker', worker.url], io);

    expect(code, io.stderr.text).toBe(0);
    const bodies = labelBodies();
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toEqual(bodies[0]);
    expect(state.answers.size).toBe(2);
    expect(io.stderr.text).toContain('retry 1 of 3 in 0.5 s with the same answer ids');
    expect(io.stdout.text).toContain('The worker recorded 0 answers; 2 were duplicates');
  });

  it('records on a later attempt after two 503 responses', async () => {
    state.labelFailures = { remaining: 2, recordFirst: false };
    prompts.inject(['hot-dog', 'skip', 'skip', 'skip']);
    const io = createTestIo();

    const code = await runCli(['label', '--annotator', 'alice', '--worker', worker.url], io);

    expect(code, io.stderr.text).toBe(0);
    expect(labelPosts()).toHaveLength(3);
    expect(io.stderr.text).toContain('retry 2 of 3 in 1 s');
    expect(io.stdout.text).toContain('The worker recorded 1 answers; 0 were duplicates');
  });

  it('prints the unsent answers and exits 1 after the last attempt', async () => {
    state.labelFailures = { remaining: 100, recordFirst: false };
    prompts.inject(['hot-dog', 'not-hot-dog', 'skip', 'hot-dog']);
    const io = createTestIo();

    const code = await runCli(['label', '--annotator', 'alice', '--worker', worker.url], io);

    expect(code).toBe(1);
    const bodies = labelBodies();
    expect(bodies).toHaveLength(4);
    const printed = io.stdout.text.split('\n').find((line) => line.startsWith('{"annotator"'));
    expect(JSON.parse(printed ?? '')).toEqual(bodies[0]);
    expect(io.stdout.text).toContain('These 3 answers were not recorded');
    expect(io.stderr.text).toContain('worker returned HTTP 503 UNAVAILABLE');
    expect(io.stdout.text).not.toContain('Labeled 3 of 4');
  });

  it('prints the answers without retrying a 400 response', async () => {
    worker.handle((request, response) => {
      if (request.method === 'POST') {
        sendJson(response, 400, {
          error: { code: 'UNKNOWN_IMAGE', message: 'answers[0].image is unknown', details: { field: 'answers[0].image' } },
        });
        return;
      }
      labelWorkerHandler(state)(request, response);
    });
    prompts.inject(['hot-dog', 'skip', 'skip', 'skip']);
    const io = createTestIo();

    const code = await runCli(['label', '--annotator', 'alice', '--worker', worker.url], io);

    expect(code).toBe(1);
    expect(labelPosts()).toHaveLength(1);
    expect(io.stderr.text).toContain('HTTP 400 UNKNOWN_IMAGE: answers[0].image is unknown');
    expect(io.stdout.text).toContain(labelBodies()[0]?.answers[0]?.answerId ?? 'missing');
  });
});

describe('hotdog label pictures (client unit, fake worker)', () => {
  it('draws coloured blocks with --image-mode blocks', async () => {
    prompts.inject(['skip', 'skip', 'skip', 'skip']);
    const io = createTestIo({ env: { COLORTERM: 'truecolor' } });

    const code = await runCli(['label', '--annotator', 'alice', '--image-mode', 'blocks', '--worker', worker.url], io);

    expect(code).toBe(0);
    expect(worker.requests.filter((request) => /^\/v1\/images\/[0-9a-f]{64}$/.test(request.url))).toHaveLength(4);
    expect(io.stdout.text).toContain('\u001B[38;2;255;0;0m\u001B[48;2;255;0;0m\u2580\u2580\u2580\u2580\u001B[0m\n');
  });

  it('draws blocks in auto mode on a colour terminal', async () => {
    prompts.inject(['skip', 'skip', 'skip', 'skip']);
    const io = createTestIo({ stdoutIsTTY: true });

    await runCli(['label', '--annotator', 'alice', '--worker', worker.url], io);

    // Pure red is index 196 of the 256-colour palette, which is used without COLORTERM=truecolor.
    expect(io.stdout.text).toContain('\u001B[38;5;196m\u001B[48;5;196m\u2580');
  });

  it.each([
    { terminal: 'iTerm2', env: { TERM_PROGRAM: 'iTerm.app' }, marker: '\u001B]1337;File=inline=1;size=' },
    { terminal: 'WezTerm', env: { TERM_PROGRAM: 'WezTerm' }, marker: '\u001B]1337;File=inline=1;size=' },
    { terminal: 'kitty', env: { KITTY_WINDOW_ID: '1' }, marker: '\u001B_Ga=T,f=32,o=z,s=4,v=4,' },
    { terminal: 'xterm-kitty', env: { TERM: 'xterm-kitty' }, marker: '\u001B_Ga=T,f=32,o=z,' },
  ])('uses the inline protocol of $terminal in auto mode', async ({ env, marker }) => {
    prompts.inject(['skip', 'skip', 'skip', 'skip']);
    const io = createTestIo({ stdoutIsTTY: true, env });

    await runCli(['label', '--annotator', 'alice', '--worker', worker.url], io);

    expect(io.stdout.text).toContain(marker);
  });

  it('sends the original bytes through the iTerm2 protocol', async () => {
    prompts.inject(['skip', 'skip', 'skip', 'skip']);
    const io = createTestIo({ env: { TERM_PROGRAM: 'iTerm.app' } });

    await runCli(['label', '--annotator', 'alice', '--image-mode', 'inline', '--worker', worker.url], io);

    const first = IMAGES[0] as Buffer;
    expect(io.stdout.text).toContain(`size=${first.length};`);
    expect(io.stdout.text).toContain(`:${first.toString('base64')}\u0007`);
  });

  it.each([
    { case: 'NO_COLOR', env: { NO_COLOR: '1' } },
    { case: 'CI', env: { CI: 'true' } },
  ])('shows no picture in auto mode under $case', async ({ env }) => {
    prompts.inject(['skip', 'skip', 'skip', 'skip']);
    const io = createTestIo({ stdoutIsTTY: true, env });

    await runCli(['label', '--annotator', 'alice', '--worker', worker.url], io);

    expect(io.stdout.text).not.toContain('\u2580');
    expect(io.stdout.text).toContain(`${worker.url}/v1/images/${ids()[0]}`);
  });

  it('prints a note for an image it cannot decode', async () => {
    state.images.push({ id: 'e'.repeat(64), contentType: 'image/gif', bytes: Buffer.from('GIF89a fake') });
    prompts.inject(['skip', 'skip', 'skip', 'skip', 'hot-dog']);
    const io = createTestIo();

    const code = await runCli(
      ['label', '--annotator', 'alice', '--count', '5', '--image-mode', 'blocks', '--worker', worker.url],
      io,
    );

    expect(code, io.stderr.text).toBe(0);
    expect(io.stdout.text).toContain('No picture: the preview decodes only JPEG and PNG, not image/gif');
    expect(labelBodies()[0]?.answers).toHaveLength(1);
  });

  it('prints a note when an image cannot be fetched', async () => {
    state.images.push({ id: 'f'.repeat(64), contentType: 'image/png', bytes: Buffer.alloc(0) });
    worker.handle((request, response) => {
      if (request.url === `/v1/images/${'f'.repeat(64)}`) {
        sendJson(response, 404, { error: { code: 'IMAGE_NOT_FOUND', message: 'image is gone', details: {} } });
        return;
      }
      labelWorkerHandler(state)(request, response);
    });
    prompts.inject(['skip', 'skip', 'skip', 'skip', 'skip']);
    const io = createTestIo();

    const code = await runCli(
      ['label', '--annotator', 'alice', '--count', '5', '--image-mode', 'blocks', '--worker', worker.url],
      io,
    );

    expect(code).toBe(0);
    expect(io.stdout.text).toContain('No picture: worker returned HTTP 404 IMAGE_NOT_FOUND: image is gone');
  });
});

describe('hotdog label command line (client unit)', () => {
  it('exits 2 when stdin is not a terminal', async () => {
    prompts.inject(['hot-dog']);
    const io = createTestIo({ stdinIsTTY: false });

    const code = await runCli(['label', '--annotator', 'alice', '--worker', worker.url], io);

    expect(code).toBe(2);
    expect(io.stderr.text).toContain('stdin is not a terminal');
    expect(worker.requests).toHaveLength(0);
  });

  it.each([
    { case: 'no annotator', argv: [], expected: 'missing annotator; pass --annotator NAME or set HOTDOG_ANNOTATOR' },
    { case: 'blank annotator', argv: ['--annotator', ' '], expected: 'invalid --annotator " "' },
    { case: 'zero count', argv: ['--annotator', 'a', '--count', '0'], expected: 'invalid --count "0"; expected an integer from 1 to 100' },
    { case: 'huge count', argv: ['--annotator', 'a', '--count', '101'], expected: 'invalid --count "101"' },
    { case: 'unknown image mode', argv: ['--annotator', 'a', '--image-mode', 'sixel'], expected: 'expected one of: auto, inline, blocks, none' },
    { case: 'positional argument', argv: ['--annotator', 'a', 'extra'], expected: 'unexpected argument "extra"' },
  ])('rejects $case with exit 2', async ({ argv, expected }) => {
    const io = createTestIo();

    const code = await runCli(['label', '--worker', worker.url, ...argv], io);

    expect(code).toBe(2);
    expect(io.stderr.text).toContain(expected);
    expect(worker.requests).toHaveLength(0);
  });

  it('exits 1 with the URL for an unreachable worker', async () => {
    const closedUrl = await findClosedPortUrl();
    const io = createTestIo();

    const code = await runCli(['label', '--annotator', 'alice', '--worker', closedUrl], io);

    expect(code).toBe(1);
    expect(io.stderr.text).toContain(`${closedUrl}/v1/images/sample`);
    expect(io.stderr.text).toContain('ECONNREFUSED');
  });

  it('exits 1 for a sample without an images list', async () => {
    worker.handle((_request, response) => sendJson(response, 200, { remaining: 3 }));
    const io = createTestIo();

    const code = await runCli(['label', '--annotator', 'alice', '--worker', worker.url], io);

    expect(code).toBe(1);
    expect(io.stderr.text).toContain('without an image sample');
  });

  it('prints the label help', async () => {
    const io = createTestIo();

    const code = await runCli(['label', '--help'], io);

    expect(code).toBe(0);
    expect(io.stdout.text).toContain('Usage: hotdog label --annotator NAME [options]');
    expect(io.stdout.text).toContain('--image-mode MODE');
    expect(io.stdout.text).toContain('130');
  });
});
