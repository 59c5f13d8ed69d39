import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { shellQuote } from '../../../test-support/shell-quote.js';
import { TMUX, TmuxTerminal } from '../../../test-support/tmux-terminal.js';
import { CLIENT_CLI } from './_child.js';
import { startFakeWorker } from './_fake-worker.js';
import type { FakeWorker } from './_fake-worker.js';

// The numbers prompt drawn by a real terminal emulator (tmux), which the pseudo-terminal tests in
// cli-process.test.ts cannot show: they see the bytes, not the screen those bytes leave behind.
// prompts 2.4.2 erased one row above the prompt on every key typed after an inline error, so the
// command line and the worker URL disappeared. The workspace patches prompts (patches/), and these
// tests fail without that patch.

let workDir: string;
let rcFile: string;
let worker: FakeWorker;
let terminal: TmuxTerminal | undefined;

beforeAll(async () => {
  if (!existsSync(TMUX)) {
    throw new Error(`${TMUX} is missing; run node test-support/ensure-debian-tools.mjs tmux (pnpm test does this)`);
  }
  if (!existsSync(CLIENT_CLI)) {
    throw new Error(`${CLIENT_CLI} is missing; run pnpm --filter @hotdog-lab/prompt-client build first`);
  }
  worker = await startFakeWorker();
  workDir = await mkdtemp(join(tmpdir(), 'hotdog-redraw-'));
  rcFile = join(workDir, 'bashrc');
  await writeFile(rcFile, `PS1='$ '\nhotdog() { ${shellQuote(process.execPath)} ${shellQuote(CLIENT_CLI)} "$@"; }\n`);
});

afterEach(async () => {
  await terminal?.stop();
  terminal = undefined;
  worker.reset();
});

afterAll(async () => {
  await worker?.close();
  await rm(workDir, { recursive: true, force: true });
});

/** Starts `hotdog stats` in an 80-column terminal and waits for the numbers prompt. */
async function startStatsPrompt(): Promise<TmuxTerminal> {
  terminal = await TmuxTerminal.start({ columns: 80, rows: 24, cwd: workDir, rcFile });
  await terminal.waitFor(/^\$ ?$/m);
  await terminal.type(`hotdog stats --worker ${worker.url}`);
  await terminal.press('Enter');
  await terminal.waitFor(/Numbers, up to 10/);
  return terminal;
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

describe('numbers prompt on a tmux screen', () => {
  it('keeps the lines above while typing after an error', async () => {
    const screen = await startStatsPrompt();
    await screen.type('1 2 3 4 5 6 7 8 9 10 11');
    await screen.press('Enter');
    await screen.waitFor(/TOO_MANY_NUMBERS/);

    // Three keys, three redraws with the two-row error message shown.
    await screen.press('BSpace', 'BSpace', 'BSpace');
    const text = await screen.waitFor(/› 1 2 3 4 5 6 7 8 9 10\n/);

    expect(text.input).toContain('$ hotdog stats --worker');
    expect(text.input).toContain(`Worker: ${worker.url}/v1/stats`);
    expect(count(text.input!, 'TOO_MANY_NUMBERS')).toBe(1);
    expect(count(text.input!, 'allowed.')).toBe(1);
  });

  it('clears the error after a corrected entry', async () => {
    const screen = await startStatsPrompt();
    await screen.type('4 8 x');
    await screen.press('Enter');
    await screen.waitFor(/INVALID_ENTRY/);
    await screen.press('BSpace');
    await screen.type('15');
    await screen.press('Enter');

    const text = (await screen.waitFor(/Run another round\?/)).input!;
    expect(text).toContain('$ hotdog stats --worker');
    expect(text).toMatch(/median\s+8\n/);
    expect(text).not.toContain('INVALID_ENTRY');
    expect(worker.requests.map((request) => JSON.parse(request.body))).toEqual([{ numbers: [4, 8, 15] }]);
  });
});
