import { createHash } from 'node:crypto';

import type { NewAnswer } from '../../src/labels/answers.js';

/** Returns a deterministic version-4 UUID for a test answer number. */
export function answerId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** Returns the image id (SHA-256 hex) of a made-up image number. */
export function imageId(n: number): string {
  return createHash('sha256').update(`test image ${n}`).digest('hex');
}

/** A new answer for answer number `n`, about image `image` (default: `n % 5`), labelled by the parity of `n` unless given. */
export function newAnswer(n: number, overrides: Partial<NewAnswer> = {}): NewAnswer {
  return { answerId: answerId(n), image: imageId(n % 5), label: n % 2 === 0 ? 1 : 0, ...overrides };
}

/** Decodes a stored body as UTF-8. */
export function text(bytes: Uint8Array | undefined): string | undefined {
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}

/** Runs `action` and returns what it threw or rejected with, so that each property of the error gets its own assertion. */
export async function caught(action: () => unknown): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, but none was raised');
}
