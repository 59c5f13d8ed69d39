import { PassThrough, Writable } from 'node:stream';

import type { CliIo } from '../src/index.js';

/** Writable that keeps everything written to it as text. */
export class CapturedStream extends Writable {
  text = '';

  constructor(readonly isTTY = false) {
    super();
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

export interface TestIo extends CliIo {
  stdout: CapturedStream;
  stderr: CapturedStream;
}

/**
 * Creates streams for runCli. stdin claims to be a terminal by default, because the
 * interactive mode requires one; its answers come from `prompts.inject`, never from the stream.
 */
export function createTestIo(options: { stdinIsTTY?: boolean; stdoutIsTTY?: boolean; env?: Record<string, string | undefined> } = {}): TestIo {
  const stdin = Object.assign(new PassThrough(), { isTTY: options.stdinIsTTY ?? true });
  return {
    stdin,
    stdout: new CapturedStream(options.stdoutIsTTY ?? false),
    stderr: new CapturedStream(false),
    env: options.env ?? {},
  };
}
