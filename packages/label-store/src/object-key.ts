import { InvalidKeyError } from './errors/invalid-key-error.js';

/** S3 rejects keys longer than 1024 bytes of UTF-8, so every backend applies the same limit. */
export const MAX_KEY_BYTES = 1024;

// C0 controls and DEL: S3 returns them in XML listings that some parsers reject, and NUL ends a path on POSIX.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * Checks the key rules shared by every backend, so that code tested against the memory store
 * behaves the same on fs and S3. A key is a non-empty relative path of `/`-separated segments.
 * No segment is empty, `.` or `..`, and the key has no backslash or control character and at
 * most 1024 UTF-8 bytes.
 *
 * @throws InvalidKeyError naming the first rule that the key breaks.
 */
export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw new InvalidKeyError(String(key), 'a key must be a non-empty string such as "labels/labels.csv"');
  }
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new InvalidKeyError(key, `a key must be at most ${MAX_KEY_BYTES} bytes of UTF-8`);
  }
  if (CONTROL_CHARACTER.test(key)) {
    throw new InvalidKeyError(key, 'a key must not contain NUL or other control characters');
  }
  if (key.includes('\\')) {
    throw new InvalidKeyError(key, 'a key must use "/" between segments, not a backslash');
  }
  if (key.startsWith('/')) {
    throw new InvalidKeyError(key, 'a key must be relative, so remove the leading "/"');
  }

  for (const segment of key.split('/')) {
    if (segment === '') {
      throw new InvalidKeyError(key, 'a key must not contain empty segments ("//" or a trailing "/")');
    }
    if (segment === '.' || segment === '..') {
      throw new InvalidKeyError(key, 'a key must not contain "." or ".." segments');
    }
  }
}

/**
 * Orders keys by their UTF-8 bytes, the order in which S3 lists keys, so that every backend
 * lists in the same order. Plain `<` on JavaScript strings compares UTF-16 code units, which
 * differs for characters above U+FFFF.
 */
export function compareKeys(left: string, right: string): number {
  return Buffer.compare(Buffer.from(left, 'utf8'), Buffer.from(right, 'utf8'));
}
