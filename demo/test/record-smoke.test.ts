import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { readDemoGoldLabels } from '../../packages/label-store/dist/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FFMPEG, type MediaInfo } from '../lib/ffmpeg.js';

// Runs `tsx demo/record.ts --short` as a child process, the same code path as `pnpm demo:record`
// with shorter holds, into a temporary folder. It needs the build, Chromium, ffmpeg and tmux, which
// `pnpm test` provides. The checks read what the recorder saw at each step: the page and terminal
// text it waited for, and the files it wrote.

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RECORD_TIMEOUT_MS = 240_000;
const MAX_FILE_BYTES = 5 * 1024 * 1024;

interface Manifest {
  generatedBy: string;
  files: Record<string, MediaInfo>;
  web: { captions: { caption: string; startSeconds: number }[]; answers: { image: string; label: 0 | 1 }[]; uploadStatus: string };
  cli: { captions: { caption: string; startSeconds: number }[]; answers: { image: string; label: 0 | 1 }[]; screens: { caption: string; text: string }[] };
}

let outDir: string;
let exitCode: number | null;
let output = '';
let manifest: Manifest;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'hotdog-demo-smoke-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/record.ts', '--short', '--out', outDir], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), RECORD_TIMEOUT_MS);
  [exitCode] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  if (exitCode === 0) {
    manifest = JSON.parse(await readFile(join(outDir, 'recording.json'), 'utf8')) as Manifest;
  }
}, RECORD_TIMEOUT_MS + 10_000);

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

/** Decodes every frame of a file with ffmpeg, which fails on a truncated or corrupt file. */
async function decodeAll(file: string): Promise<void> {
  await promisify(execFile)(FFMPEG, ['-v', 'error', '-xerror', '-i', file, '-f', 'null', '-'], { timeout: 120_000 });
}

describe('pnpm demo:record --short', () => {
  it('exits 0', () => {
    expect(exitCode, output).toBe(0);
  });

  it('writes three decodable files under 5 MiB', async () => {
    expect(Object.keys(manifest.files).sort()).toEqual(['cli.gif', 'web.gif', 'web.mp4']);
    for (const [name, info] of Object.entries(manifest.files)) {
      const file = join(outDir, name);
      expect((await stat(file)).size, name).toBe(info.bytes);
      expect(info.bytes, name).toBeLessThan(MAX_FILE_BYTES);
      expect(info.seconds, name).toBeGreaterThan(1);
      await decodeAll(file);
    }
    expect(manifest.files['web.mp4']!.codec).toBe('h264');
    expect(manifest.files['web.gif']!.codec).toBe('gif');
    expect(manifest.files['cli.gif']!.codec).toBe('gif');
  });

  it('shows every web step in order', () => {
    const steps = [...new Set(manifest.web.captions.map(({ caption }) => caption.split(' · ')[1]))];
    expect(steps).toEqual(['1/4', '2/4', '3/4', '4/4']);
    expect(manifest.web.uploadStatus).toMatch(/Added to the catalog: \d+ × \d+ JPEG/);
  });

  it('labels 4 demo images correctly on the page', async () => {
    const truth = await readDemoGoldLabels();
    expect(manifest.web.answers).toHaveLength(4);
    for (const answer of manifest.web.answers) {
      expect(truth.get(answer.image), answer.image).toBe(answer.label);
    }
  });

  it('shows each terminal step with its output', () => {
    const screens = manifest.cli.screens.map(({ text }) => text);
    expect(manifest.cli.screens.map(({ caption }) => caption.split(' · ')[1])).toEqual(['1/4', '2/4', '3/4', '4/4']);

    expect(screens[0]).toMatch(/median\s+9\.5/);
    expect(screens[1]).toContain('invalid numbers (INVALID_ENTRY)');
    expect(screens[1]).toContain('worker returned HTTP 400 TOO_MANY_NUMBERS');
    // The corrected interactive entry: the inline error is gone and the command line is still on screen.
    expect(screens[2]).toMatch(/median\s+15\.5/);
    expect(screens[2]).toContain('$ hotdog stats\n');
    expect(screens[2]).not.toContain('invalid numbers');
    expect(screens[3]).toContain('The worker recorded 4 answers');
    expect(manifest.cli.answers).toHaveLength(4);
  });
});
