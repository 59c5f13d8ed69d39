import { Readable } from 'node:stream';

import { PreconditionFailedError } from './errors/precondition-failed-error.js';
import { contentEtag, etagsEqual } from './etag.js';
import { validatePageSize } from './list-options.js';
import { assertValidKey, compareKeys } from './object-key.js';
import type { ObjectInfo, ObjectStore, PutOptions, PutResult, StoredObject, StoredObjectStream } from './object-store.js';
import { bodyBytes, validatePutOptions } from './put-options.js';

/**
 * An `ObjectStore` held in this process's memory, for tests and short-lived runs. Bodies are
 * copied on the way in and out, so callers cannot change stored objects by mutating buffers.
 * ETags are SHA-256 content hashes, like the fs store's.
 */
export class MemoryStore implements ObjectStore {
  readonly description = 'memory:';
  readonly #objects = new Map<string, StoredObject>();

  async get(key: string): Promise<StoredObject | undefined> {
    assertValidKey(key);
    const stored = this.#objects.get(key);
    return stored && { ...copyInfo(stored), body: new Uint8Array(stored.body) };
  }

  async getStream(key: string): Promise<StoredObjectStream | undefined> {
    assertValidKey(key);
    const stored = this.#objects.get(key);
    if (!stored) return undefined;

    // `Buffer.from` copies the bytes, as `get` does, so no caller shares memory with the stored object.
    return { info: copyInfo(stored), body: Readable.from([Buffer.from(stored.body)], { objectMode: false }) };
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    assertValidKey(key);
    const stored = this.#objects.get(key);
    return stored && copyInfo(stored);
  }

  async put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<PutResult> {
    assertValidKey(key);
    const { precondition, contentType, metadata } = validatePutOptions(options);
    const bytes = bodyBytes(body);

    // No await between this check and the `set` below, so the check and the write are atomic
    // against other calls in this process.
    const current = this.#objects.get(key);
    if (precondition && 'ifNoneMatch' in precondition && current) {
      throw new PreconditionFailedError(key, precondition);
    }
    if (precondition && 'ifMatch' in precondition && !(current && etagsEqual(current.etag, precondition.ifMatch))) {
      throw new PreconditionFailedError(key, precondition);
    }

    const etag = contentEtag(bytes);
    this.#objects.set(key, {
      key,
      etag,
      size: bytes.byteLength,
      lastModified: new Date(),
      contentType,
      metadata,
      body: bytes,
    });
    return { etag };
  }

  async *list(prefix: string, options?: { pageSize?: number }): AsyncIterable<ObjectInfo> {
    validatePageSize(options);
    // A snapshot of the keys, so that puts and deletes during iteration cannot reorder it.
    const keys = [...this.#objects.keys()].filter((key) => key.startsWith(prefix)).sort(compareKeys);

    for (const key of keys) {
      const stored = this.#objects.get(key);
      // Deleted since the snapshot: skip it, as a backend listing page by page would.
      if (stored) yield { key, etag: stored.etag, size: stored.size, lastModified: new Date(stored.lastModified) };
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    this.#objects.delete(key);
  }
}

function copyInfo(stored: StoredObject): ObjectInfo {
  return {
    key: stored.key,
    etag: stored.etag,
    size: stored.size,
    lastModified: new Date(stored.lastModified),
    contentType: stored.contentType,
    metadata: { ...stored.metadata },
  };
}
