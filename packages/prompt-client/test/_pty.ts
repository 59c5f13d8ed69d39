import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

import { shellQuote } from '../../../test-support/shell-quote.js';
import { collect, killByPid } from './_child.js';
import type { ChildResult } from './_child.js';

/** True when util-linux `script`, which runs a command in a pseudo-terminal, is on PATH. */
export function hasScriptCommand(): boolean {
  const result = spawnSync('script', ['--version'], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('util-linux');
}

/**
 * Command running under `script -qfec`, so its stdin and stdout are a pseudo-terminal.
 * Bytes written here reach the command as typed keys; `output` is what the terminal shows.
 */
export class PtySession {
  readonly exited: Promise<ChildResult>;
  readonly #child: ChildProcess;
  #output = '';

  constructor(argv: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000) {
    const command = argv.map(shellQuote).join(' ');
    this.#child = spawn('script', ['-qfec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stdout?.on('data', (chunk: Buffer) => (this.#output += chunk.toString('utf8')));
    this.exited = collect(this.#child, timeoutMs);
  }

  get output(): string {
    return this.#output;
  }

  type(keys: string): void {
    this.#child.stdin?.write(keys);
  }

  /** Waits until the terminal output contains `text` after position `from`; returns the position after the match. */
  async waitFor(text: string, from = 0, timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const index = this.#output.indexOf(text, from);
      if (index !== -1) {
        return index + text.length;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`terminal output did not show ${JSON.stringify(text)} within ${timeoutMs} ms:\n${this.#output}`);
  }

  kill(): void {
    killByPid(this.#child);
  }
}
