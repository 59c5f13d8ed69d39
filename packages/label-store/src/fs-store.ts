import type { BigIntStats } from 'node:fs';
import { mkdir, open, readdir, rename, rmdir, stat, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

import { errorCode } from './error-code.js';
import { InvalidKeyError } from './errors/invalid-key-error.js';
import { PreconditionFailedError, type PutPrecondition } from './errors/precondition-failed-error.js';
import { StorageError, type StorageOperation } from './errors/storage-error.js';
import { contentEtag, etagsEqual } from './etag.js';
import { assertValidFsKey, isInternalName, objectPaths, tempPathFor, type ObjectPaths } from './fs-layout.js';
import { withFileLock } from './fs-lock.js';
import { hashFileEtag, hashHandleEtag, isCachedEtagCurrent, readMetadataFile, type MetadataFile } from './fs-metadata.js';
import { validatePageSize } from './list-options.js';
import { compareKeys } from './object-key.js';
import type {
  ListOptions,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  PutResult,
  StoredObject,
  StoredObjectStream,
} from './object-store.js';
import { bodyBytes, DEFAULT_CONTENT_TYPE, validatePutOptions } from './put-options.js';

/**
 * An `ObjectStore` in a local folder. Each object is a plain file at `<root>/<key>`, with a
 * hidden JSON metadata file beside it. ETags are SHA-256 hashes of the content.
 *
 * A put writes a temp file in the object's folder and renames it into place, so readers see the
 * old or the new content, never a mix. Conditional puts and deletes hold a per-key lock file,
 * so the ETag check and the rename are atomic against other processes on this machine.
 *
 * NOTE: a key cannot name both an object and a folder (`a` and `a/b`), because each key maps to
 * a file path. Such a put raises `InvalidKeyError`, where S3 and the memory store accept it.
 */
export class FsStore implements ObjectStore {
  /** Absolute path of the folder with the objects. */
  readonly root: string;
  readonly description: string;

  /** @param root folder for the objects, resolved against the working directory and created on the first put. */
  constructor(root: string) {
    this.root = resolve(root);
    this.description = `fs:${this.root}`;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    assertValidFsKey(key);
    const paths = objectPaths(this.root, key);

    try {
      const read = await readContent(paths.content);
      if (!read) return undefined;

      const metadataFile = await readMetadataFile(paths.metadata);
      return {
        ...objectInfo(key, read.stats, contentEtag(read.body), metadataFile),
        body: read.body,
      };
    } catch (error) {
      throw this.#storageError('get', key, error);
    }
  }

  async getStream(key: string): Promise<StoredObjectStream | undefined> {
    assertValidFsKey(key);
    const paths = objectPaths(this.root, key);

    // The file is opened before it is examined: a put renames a new file into place but cannot
    // change the open one, so the stats, the ETag and the bytes all come from one version.
    let handle: FileHandle | undefined;
    try {
      handle = await openIfPresent(paths.content);
      if (!handle) return undefined;

      const stats = await handle.stat({ bigint: true });
      if (!stats.isFile()) return undefined;

      const size = Number(stats.size);
      const metadataFile = await readMetadataFile(paths.metadata);
      const etag = isCachedEtagCurrent(metadataFile, stats) ? metadataFile.etag : await hashHandleEtag(handle, size);
      // The stream reads the `size` bytes that the ETag covers, and closes the handle when it
      // ends or is destroyed (autoClose).
      const body = handle.createReadStream({ start: 0, ...(size > 0 && { end: size - 1 }), autoClose: true });
      handle = undefined;
      return { info: objectInfo(key, stats, etag, metadataFile), body };
    } catch (error) {
      throw this.#storageError('get', key, error);
    } finally {
      await handle?.close();
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    assertValidFsKey(key);
    const paths = objectPaths(this.root, key);

    try {
      const found = await statAndEtag(paths);
      return found && objectInfo(key, found.stats, found.etag, found.metadataFile);
    } catch (error) {
      throw this.#storageError('head', key, error);
    }
  }

  async put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<PutResult> {
    assertValidFsKey(key);
    const { precondition, contentType, metadata } = validatePutOptions(options);
    const bytes = bodyBytes(body);
    const paths = objectPaths(this.root, key);
    const etag = contentEtag(bytes);

    await this.#createFolder(key, paths.dir);

    // Write both new files before taking the lock, so the lock is held for two renames only,
    // however large the body is.
    const contentTemp = tempPathFor(paths.content);
    const metadataTemp = tempPathFor(paths.metadata);
    try {
      const written = await writeDurably(contentTemp, bytes);
      const metadataFile: MetadataFile = {
        contentType,
        metadata,
        etag,
        size: bytes.byteLength,
        inode: written.ino.toString(),
        mtimeNs: written.mtimeNs.toString(),
      };
      await writeFile(metadataTemp, JSON.stringify(metadataFile), { flag: 'wx' });

      await withFileLock(paths.lock, async () => {
        await checkPrecondition(key, paths, precondition);
        // Content first: a reader that sees the new content with the old metadata file notices
        // the inode change and hashes the content, so the ETag it returns is still right.
        await rename(contentTemp, paths.content);
        await rename(metadataTemp, paths.metadata);
      });
      return { etag };
    } catch (error) {
      if (error instanceof PreconditionFailedError || error instanceof InvalidKeyError) throw error;
      throw this.#storageError('put', key, error);
    } finally {
      await removeIfPresent(contentTemp);
      await removeIfPresent(metadataTemp);
    }
  }

  async *list(prefix: string, options?: ListOptions): AsyncIterable<ObjectInfo> {
    validatePageSize(options);
    const start = listingStart(this.root, prefix);
    if (!start) return;

    try {
      for await (const key of walkKeys(start.dir, start.keyPrefix)) {
        if (!key.startsWith(prefix)) continue;

        const found = await statAndEtag(objectPaths(this.root, key));
        // Deleted since the folder was read: skip it, as S3 would in a later page.
        if (found) yield listedInfo(key, found.stats, found.etag);
      }
    } catch (error) {
      throw this.#storageError('list', prefix, error);
    }
  }

  async delete(key: string): Promise<void> {
    assertValidFsKey(key);
    const paths = objectPaths(this.root, key);

    try {
      // Nothing to delete: return without creating a lock file and its folder.
      if (!(await exists(paths.content))) return;

      await withFileLock(paths.lock, async () => {
        await removeIfPresent(paths.content);
        await removeIfPresent(paths.metadata);
      });
      await removeEmptyFolders(paths.dir, this.root);
    } catch (error) {
      throw this.#storageError('delete', key, error);
    }
  }

  async #createFolder(key: string, dir: string): Promise<void> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      if (errorCode(error) === 'ENOTDIR' || errorCode(error) === 'EEXIST') {
        throw new InvalidKeyError(key, 'a parent segment of this key is an object in the fs store, and a file cannot also be a folder');
      }
      throw this.#storageError('put', key, error);
    }
  }

  #storageError(operation: StorageOperation, key: string, error: unknown): StorageError {
    if (error instanceof StorageError) return error;
    const detail = error instanceof Error ? error.message : String(error);
    return new StorageError(
      operation,
      key,
      `fs ${operation} of ${JSON.stringify(key)} in ${this.root} failed: ${detail}`,
      { cause: error },
    );
  }
}

/** Opens a file for reading, or returns `undefined` when it is missing. */
async function openIfPresent(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Reads a content file with the stats of the same open file, or returns `undefined` when it is missing. */
async function readContent(path: string): Promise<{ body: Uint8Array; stats: BigIntStats } | undefined> {
  const handle = await openIfPresent(path);
  if (!handle) return undefined;

  try {
    const stats = await handle.stat({ bigint: true });
    if (!stats.isFile()) return undefined;
    const body = new Uint8Array(await handle.readFile());
    return { body, stats };
  } catch (error) {
    if (errorCode(error) === 'EISDIR') return undefined;
    throw error;
  } finally {
    await handle.close();
  }
}

/**
 * Returns the content file's stats and ETag, using the ETag cached in the metadata file while it
 * matches the file, or `undefined` when the object does not exist.
 */
async function statAndEtag(
  paths: ObjectPaths,
): Promise<{ stats: BigIntStats; etag: string; metadataFile: MetadataFile | undefined } | undefined> {
  let stats: BigIntStats;
  try {
    stats = await stat(paths.content, { bigint: true });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  if (!stats.isFile()) return undefined;

  const metadataFile = await readMetadataFile(paths.metadata);
  if (isCachedEtagCurrent(metadataFile, stats)) return { stats, etag: metadataFile.etag, metadataFile };

  try {
    return { stats, etag: await hashFileEtag(paths.content), metadataFile };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function checkPrecondition(key: string, paths: ObjectPaths, precondition: PutPrecondition | undefined): Promise<void> {
  const current = await statAndEtag(paths);
  if (current === undefined) {
    const existing = await stat(paths.content).catch(() => undefined);
    if (existing?.isDirectory()) {
      throw new InvalidKeyError(key, 'other keys use this key as their folder in the fs store, and a folder cannot also be a file');
    }
  }
  if (!precondition) return;

  if ('ifNoneMatch' in precondition && current) throw new PreconditionFailedError(key, precondition);
  if ('ifMatch' in precondition && !(current && etagsEqual(current.etag, precondition.ifMatch))) {
    throw new PreconditionFailedError(key, precondition);
  }
}

/** Writes a new file and flushes it to disk, so a crash after the rename cannot leave an empty object. */
async function writeDurably(path: string, bytes: Uint8Array): Promise<BigIntStats> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
    return await handle.stat({ bigint: true });
  } finally {
    await handle.close();
  }
}

/**
 * Yields the keys of all objects under `dir` in ascending key order. Each folder's entries are
 * sorted by their key fragment, with `/` appended to folder names, which keeps the whole walk in
 * key order: the folder `a` sorts after the file `a-b` because `/` follows `-`.
 */
async function* walkKeys(dir: string, keyPrefix: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }

  const fragments: { fragment: string; isFolder: boolean }[] = [];
  for (const entry of entries) {
    if (isInternalName(entry.name)) continue;
    // Symbolic links are skipped, since they could point outside the store's root.
    if (entry.isDirectory()) fragments.push({ fragment: `${keyPrefix}${entry.name}/`, isFolder: true });
    else if (entry.isFile()) fragments.push({ fragment: `${keyPrefix}${entry.name}`, isFolder: false });
  }
  fragments.sort((left, right) => compareKeys(left.fragment, right.fragment));

  for (const { fragment, isFolder } of fragments) {
    if (isFolder) yield* walkKeys(join(dir, fragment.slice(keyPrefix.length)), fragment);
    else yield fragment;
  }
}

/**
 * Finds the deepest folder that can hold keys starting with `prefix`: for `logs/2026/0` that is
 * `<root>/logs/2026` with keys starting `logs/2026/`. Returns `undefined` when no valid key can
 * start with the prefix, such as `../`, which also keeps the walk inside the root.
 */
function listingStart(root: string, prefix: string): { dir: string; keyPrefix: string } | undefined {
  const lastSlash = prefix.lastIndexOf('/');
  if (lastSlash === -1) return { dir: root, keyPrefix: '' };

  const folderKey = prefix.slice(0, lastSlash);
  try {
    assertValidFsKey(folderKey);
  } catch {
    return undefined;
  }
  return { dir: join(root, ...folderKey.split('/')), keyPrefix: `${folderKey}/` };
}

/** Removes folders left empty by a delete, from `dir` up to but excluding `root`. */
async function removeEmptyFolders(dir: string, root: string): Promise<void> {
  for (let current = dir; current !== root && current.startsWith(root); current = dirname(current)) {
    try {
      await rmdir(current);
    } catch {
      // Not empty (another object or a lock file is there), or already removed: stop here.
      return;
    }
  }
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function objectInfo(key: string, stats: BigIntStats, etag: string, metadataFile: MetadataFile | undefined): ObjectInfo {
  return {
    ...listedInfo(key, stats, etag),
    contentType: metadataFile?.contentType ?? DEFAULT_CONTENT_TYPE,
    metadata: { ...metadataFile?.metadata },
  };
}

function listedInfo(key: string, stats: BigIntStats, etag: string): ObjectInfo {
  return { key, etag, size: Number(stats.size), lastModified: new Date(Number(stats.mtimeMs)) };
}
