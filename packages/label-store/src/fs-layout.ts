import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

import { InvalidKeyError } from './errors/invalid-key-error.js';
import { assertValidKey } from './object-key.js';

/**
 * Linux filesystems limit one file name to 255 bytes (NAME_MAX). A key segment may use 200 of
 * them, so the temp, lock and metadata files next to it (up to 30 more bytes) still fit.
 */
export const MAX_SEGMENT_BYTES = 200;

/**
 * Every file that the fs store writes besides object contents ends with this character, so
 * `list` can skip them and no key can name one.
 */
export const INTERNAL_SUFFIX = '~';

/** Paths of the files that the fs store keeps for one object. */
export interface ObjectPaths {
  /** Folder with all files of the object, created on the first put. */
  dir: string;
  /** The body, byte for byte, at `<root>/<key>`. */
  content: string;
  /** JSON with content type, metadata and a cached ETag. */
  metadata: string;
  /** Exists while one process writes or deletes the object. */
  lock: string;
}

/**
 * Checks a key against the shared rules plus the fs store's own: no segment may end with `~`
 * (reserved for internal files) or be longer than 200 bytes of UTF-8.
 *
 * @throws InvalidKeyError naming the rule that the key breaks.
 */
export function assertValidFsKey(key: string): void {
  assertValidKey(key);

  for (const segment of key.split('/')) {
    if (segment.endsWith(INTERNAL_SUFFIX)) {
      throw new InvalidKeyError(
        key,
        `the fs store reserves names ending with "${INTERNAL_SUFFIX}" for its temp, lock and metadata files; rename the segment ${JSON.stringify(segment)}`,
      );
    }
    if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) {
      throw new InvalidKeyError(key, `each segment must be at most ${MAX_SEGMENT_BYTES} bytes of UTF-8 in the fs store`);
    }
  }
}

/**
 * Maps a validated key to its files under `root`. Keys that passed `assertValidFsKey` cannot
 * leave `root`, because they have no `..`, absolute or backslash segments.
 */
export function objectPaths(root: string, key: string): ObjectPaths {
  const segments = key.split('/');
  const name = segments.pop() as string;
  const dir = join(root, ...segments);

  return {
    dir,
    content: join(dir, name),
    metadata: join(dir, `.${name}.meta${INTERNAL_SUFFIX}`),
    lock: join(dir, `.${name}.lock${INTERNAL_SUFFIX}`),
  };
}

/**
 * Returns a fresh temp file name beside `target`. Renaming it onto `target` is atomic because
 * both are in the same folder, hence on the same filesystem.
 */
export function tempPathFor(target: string): string {
  const unique = `${process.pid}.${randomBytes(4).toString('hex')}`;
  return join(dirname(target), `.${basename(target)}.${unique}.tmp${INTERNAL_SUFFIX}`);
}

/** Tells whether a directory entry is one of the fs store's own files rather than an object. */
export function isInternalName(name: string): boolean {
  return name.endsWith(INTERNAL_SUFFIX);
}
