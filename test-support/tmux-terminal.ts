import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { shellQuote } from './shell-quote.js';

const run = promisify(execFile);

/** Debian's tmux; `node test-support/ensure-debian-tools.mjs tmux` installs it. */
export const TMUX = '/usr/bin/tmux';

/** Upper bound for one tmux command. */
const TMUX_TIMEOUT_MS = 10_000;

/** Interval between two captures while waiting for the screen to show something. */
const POLL_MS = 50;

/**
 * A shell in a detached tmux session on a server of its own, whose socket is a file in a folder
 * the caller owns (`tmux -S`), so it never touches the user's tmux sessions. Keys go in with
 * `send-keys`, and the screen comes out with `capture-pane`.
 */
export class TmuxTerminal {
  readonly #socket: string;
  readonly #target = 'demo';

  private constructor(socket: string) {
    this.#socket = socket;
  }

  /**
   * Starts bash in a `columns` x `rows` terminal, in `cwd`, with `rcFile` as its only start-up
   * file. Bash sets its own PS1 even when the environment has one, so the prompt and PATH are
   * set in that file. The server's socket is `tmux.sock` in `cwd`, so `cwd` must be a folder of
   * the caller with a short path (a Unix socket path has at most 107 bytes).
   */
  static async start(options: { columns: number; rows: number; cwd: string; rcFile: string }): Promise<TmuxTerminal> {
    const terminal = new TmuxTerminal(join(options.cwd, 'tmux.sock'));
    const shell = `bash --noprofile --rcfile ${shellQuote(options.rcFile)}`;
    await terminal.#tmux(['-f', '/dev/null', 'new-session', '-d', '-s', terminal.#target, '-x', String(options.columns), '-y', String(options.rows), '-c', options.cwd, shell]);
    await terminal.#tmux(['set-option', '-t', terminal.#target, 'status', 'off']);
    return terminal;
  }

  async #tmux(args: readonly string[]): Promise<string> {
    try {
      const { stdout } = await run(TMUX, ['-S', this.#socket, ...args], { timeout: TMUX_TIMEOUT_MS, maxBuffer: 8 * 1024 * 1024 });
      return stdout;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      throw new Error(`tmux ${args.join(' ')} failed: ${stderr.trim() || String(error)}`, { cause: error });
    }
  }

  /** Types `text` literally, as if pasted key by key. */
  async type(text: string): Promise<void> {
    await this.#tmux(['send-keys', '-t', this.#target, '-l', text]);
  }

  /** Presses named keys such as `Enter`, `BSpace` or `C-c`. */
  async press(...keys: string[]): Promise<void> {
    await this.#tmux(['send-keys', '-t', this.#target, ...keys]);
  }

  /** Captures the visible screen with SGR colour sequences, for rendering. */
  async captureStyled(): Promise<string> {
    return this.#tmux(['capture-pane', '-p', '-e', '-t', this.#target]);
  }

  /** Captures the visible screen as plain text with wrapped lines joined, for checks. */
  async captureText(): Promise<string> {
    return this.#tmux(['capture-pane', '-p', '-J', '-t', this.#target]);
  }

  /**
   * Waits until the plain screen text matches `pattern` and returns the match, or throws with the
   * screen after `timeoutMs`.
   */
  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < deadline) {
      screen = await this.captureText();
      const match = screen.match(pattern);
      if (match !== null) {
        return match;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw new Error(`the terminal did not show ${pattern} within ${timeoutMs} ms; the screen was:\n${screen}`);
  }

  /** Ends the tmux server of this terminal and every process in it, and removes its socket. */
  async stop(): Promise<void> {
    try {
      await this.#tmux(['kill-server']);
    } catch {
      // The server is already gone when the shell exited on its own.
    }
    await rm(this.#socket, { force: true });
  }
}
