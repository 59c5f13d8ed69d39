import type { Readable, Writable } from 'node:stream';

/** Streams and environment of one CLI run; tests pass their own to capture output. */
export interface CliIo {
  stdin: Readable & { isTTY?: boolean };
  /** `columns` and `rows` are the terminal size, which Node sets when stdout is a terminal. */
  stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: Writable & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
}

export function resolveIo(io: Partial<CliIo>): CliIo {
  return {
    stdin: io.stdin ?? process.stdin,
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    env: io.env ?? process.env,
  };
}
