import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { build } from 'tsup';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);

const WORKERS = 3;
const INCREMENTS_PER_WORKER = 30;
/** Upper bound for one worker process; 30 increments take well under a second each. */
const WORKER_TIMEOUT_MS = 30_000;

let dir: string;
let workerScript: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hotdog-fs-processes-'));
  // Node 20 cannot run TypeScript, so the worker and the store sources are bundled into one file.
  await build({
    entry: { 'counter-worker': fileURLToPath(new URL('./fixtures/counter-worker.ts', import.meta.url)) },
    outDir: join(dir, 'bin'),
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    config: false,
    silent: true,
    dts: false,
    sourcemap: false,
    outExtension: () => ({ js: '.mjs' }),
  });
  workerScript = join(dir, 'bin', 'counter-worker.mjs');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('fs store: concurrent processes lose no update', async () => {
  const root = join(dir, 'store');

  const results = await Promise.all(
    Array.from({ length: WORKERS }, () =>
      run(process.execPath, [workerScript, root, 'counters/total.txt', String(INCREMENTS_PER_WORKER)], {
        timeout: WORKER_TIMEOUT_MS,
      }),
    ),
  );

  expect(await readFile(join(root, 'counters', 'total.txt'), 'utf8')).toBe(String(WORKERS * INCREMENTS_PER_WORKER));
  const reports = results.map((result) => JSON.parse(result.stdout) as { pid: number; conflicts: number });
  expect(new Set(reports.map((report) => report.pid)).size).toBe(WORKERS);
});
