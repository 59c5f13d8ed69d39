import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { childEnv, CLIENT_CLI, runClient, startWorker, stopByPid, WORKER_CLI } from './_child.js';
import type { StartedWorker } from './_child.js';
import { findClosedPortUrl, startFakeWorker } from './_fake-worker.js';
import type { FakeWorker } from './_fake-worker.js';
import { hasScriptCommand, PtySession } from './_pty.js';

// These tests run the built binary, so `pnpm --filter @hotdog-lab/prompt-client build` must run first.
beforeAll(() => {
  if (!existsSync(CLIENT_CLI)) {
    throw new Error(`${CLIENT_CLI} is missing; run pnpm --filter @hotdog-lab/prompt-client build first`);
  }
});

describe('built hotdog against a fake worker', () => {
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

  it('exits 2 without numbers when stdin is not a terminal', async () => {
    const result = await runClient(['stats', '--worker', worker.url]);

    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('stdin is not a terminal');
    expect(result.stderr).not.toContain('    at ');
    expect(worker.requests).toHaveLength(0);
  });

  it('prints the version', async () => {
    const result = await runClient(['--version']);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('prints a table for numbers as arguments', async () => {
    const result = await runClient(['stats', '--worker', worker.url, '4,8,15']);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^median\s+8$/m);
    expect(result.stdout).not.toContain('\u001B[');
  });
});

// The pseudo-terminal tests drive the real prompts with keystrokes, which injected answers cannot:
// the inline validation message, and Ctrl-C in raw mode.
describe.skipIf(!hasScriptCommand())('built hotdog in a pseudo-terminal (needs util-linux script)', () => {
  let worker: FakeWorker;
  let session: PtySession | undefined;

  beforeAll(async () => {
    worker = await startFakeWorker();
  });

  afterEach(() => {
    session?.kill();
    session = undefined;
    worker.reset();
  });

  afterAll(async () => {
    await worker.close();
  });

  const start = () => {
    session = new PtySession([process.execPath, CLIENT_CLI, 'stats', '--worker', worker.url], childEnv({ TERM: 'xterm' }));
    return session;
  };

  it('runs one round and quits at the confirm', async () => {
    const pty = start();

    await pty.waitFor('Numbers');
    pty.type('4 8 15\r');
    const afterTable = await pty.waitFor('median');
    await pty.waitFor('Run another round?', afterTable);
    pty.type('n');
    const result = await pty.exited;

    expect(result.code, pty.output).toBe(0);
    expect(worker.requests).toHaveLength(1);
    expect(JSON.parse(worker.requests[0]?.body ?? '')).toEqual({ numbers: [4, 8, 15] });
    expect(pty.output).toContain('\u001B[1mmedian');
  });

  it('shows the failed rule inline and sends nothing', async () => {
    const pty = start();

    await pty.waitFor('Numbers');
    pty.type('0 1\r');
    await pty.waitFor('NOT_POSITIVE');
    pty.type('\u0003');
    const result = await pty.exited;

    expect(result.code, pty.output).toBe(130);
    expect(worker.requests).toHaveLength(0);
  });

  it('exits 130 on Ctrl-C at the numbers prompt', async () => {
    const pty = start();

    await pty.waitFor('Numbers');
    pty.type('\u0003');
    const result = await pty.exited;

    expect(result.code, pty.output).toBe(130);
    expect(pty.output).toContain('cancelled');
    expect(worker.requests).toHaveLength(0);
  });

  it('quits on an empty answer', async () => {
    const pty = start();

    await pty.waitFor('Numbers');
    pty.type('\r');
    const result = await pty.exited;

    expect(result.code, pty.output).toBe(0);
    expect(worker.requests).toHaveLength(0);
  });
});

// The worker package is written in parallel with this one; until its dist/cli.js exists these tests skip.
describe.skipIf(!existsSync(WORKER_CLI))('built hotdog against the real worker (needs http-worker build)', () => {
  let worker: StartedWorker;
  let storageDir: string;

  beforeAll(async () => {
    storageDir = mkdtempSync(join(tmpdir(), 'hotdog-client-test-'));
    worker = await startWorker(['--storage', `fs:${storageDir}`, '--max-numbers', '10']);
  });

  afterAll(async () => {
    if (worker !== undefined) {
      await stopByPid(worker.child);
    }
    rmSync(storageDir, { recursive: true, force: true });
  });

  it('prints median 9.5 for 10 9 8 100', async () => {
    const result = await runClient(['stats', '--worker', worker.url, '10', '9', '8', '100']);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^median\s+9\.5$/m);
    expect(result.stdout).toMatch(/^count\s+4$/m);
    expect(result.stdout).toMatch(/^mean\s+31\.75$/m);
  });

  it('prints parsable JSON with --json', async () => {
    const result = await runClient(['stats', '--json', '--worker', worker.url, '10', '9', '8', '100']);

    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ count: 4, min: 8, max: 100, mean: 31.75, median: 9.5 });
  });

  it('exits 2 for 0 1 before sending', async () => {
    const result = await runClient(['stats', '--worker', worker.url, '0', '1']);

    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('NOT_POSITIVE');
  });

  it('prints the worker error when the worker allows fewer numbers', async () => {
    const numbers = Array.from({ length: 11 }, (_, index) => String(index + 1));

    const result = await runClient(['stats', '--max-numbers', '11', '--worker', worker.url, ...numbers]);

    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain('HTTP 400 TOO_MANY_NUMBERS');
  });

  it('exits 1 with the URL for an unreachable port', async () => {
    const closedUrl = await findClosedPortUrl();

    const result = await runClient(['stats', '--worker', closedUrl, '1', '2']);

    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(`${closedUrl}/v1/stats`);
    expect(result.stderr).toContain('ECONNREFUSED');
  });
});
