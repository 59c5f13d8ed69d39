import { createHash } from 'node:crypto';
import { createReadStream, type BigIntStats } from 'node:fs';
import { readFile, type FileHandle } from 'node:fs/promises';

import { errorCode } from './error-code.js';
import { DEFAULT_CONTENT_TYPE } from './put-options.js';

/**
 * The JSON metadata file that the fs store keeps beside each object. Besides content type and
 * user metadata it caches the content's ETag, together with the inode, size and modification
 * time (in nanoseconds) of the content file that the ETag was computed for.
 */
export interface MetadataFile {
  contentType: string;
  metadata: Record<string, string>;
  etag: string;
  size: number;
  inode: string;
  mtimeNs: string;
}

/**
 * Reads a metadata file, or returns `undefined` when it is missing or unreadable JSON, for
 * example after a crash between the two renames of a put. Callers then fall back to defaults
 * and hash the content.
 */
export async function readMetadataFile(path: string): Promise<MetadataFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }

  try {
    const value = JSON.parse(text) as Partial<MetadataFile>;
    return {
      contentType: typeof value.contentType === 'string' ? value.contentType : DEFAULT_CONTENT_TYPE,
      metadata: typeof value.metadata === 'object' && value.metadata !== null ? value.metadata : {},
      etag: String(value.etag),
      size: Number(value.size),
      inode: String(value.inode),
      mtimeNs: String(value.mtimeNs),
    };
  } catch {
    return undefined;
  }
}

/**
 * Tells whether the cached ETag still describes the content file. Every put renames a new file
 * into place, which brings a new inode and modification time, so a stale cache shows here.
 */
export function isCachedEtagCurrent(file: MetadataFile | undefined, content: BigIntStats): file is MetadataFile {
  return (
    file !== undefined &&
    file.inode === content.ino.toString() &&
    file.mtimeNs === content.mtimeNs.toString() &&
    file.size === Number(content.size)
  );
}

/** Computes the content ETag of a file by streaming it, as `contentEtag` does for a buffer. */
export async function hashFileEtag(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `"${hash.digest('hex')}"`;
}

/** Bytes read per call by `hashHandleEtag`. */
const HASH_CHUNK_BYTES = 64 * 1024;

/**
 * Computes the content ETag of the first `size` bytes of an open file, the size that its stats
 * reported. Reads by position, so the handle's file position is left for a stream to use.
 */
export async function hashHandleEtag(handle: FileHandle, size: number): Promise<string> {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(HASH_CHUNK_BYTES);

  // Each pass reads at least one byte or stops, so the loop ends within `size` bytes.
  for (let position = 0; position < size; ) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.byteLength, size - position), position);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  return `"${hash.digest('hex')}"`;
}
