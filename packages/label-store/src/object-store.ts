import type { Readable } from 'node:stream';

/**
 * The storage contract that every backend (memory, local filesystem, S3) implements.
 *
 * Keys are `/`-separated relative paths such as `logs/stats/2026/12/04/x.txt`. An ETag is an
 * opaque string that changes whenever the object's content changes; callers only compare it
 * and pass it back as `ifMatch`.
 */
export interface ObjectStore {
  /** Reads a whole object, or returns `undefined` when the key does not exist. */
  get(key: string): Promise<StoredObject | undefined>;

  /**
   * Opens an object for reading as a stream, or returns `undefined` when the key does not exist.
   * `info` (as `head` returns it) and `body` describe the same version of the object. Read the
   * body to its end or destroy it, because until then it keeps a backend resource open (an S3
   * connection or a file descriptor). A failure while reading arrives as an `error` event with the backend's error.
   */
  getStream(key: string): Promise<StoredObjectStream | undefined>;

  /** Reads an object's metadata without its body, or returns `undefined` when the key does not exist. */
  head(key: string): Promise<ObjectInfo | undefined>;

  /**
   * Writes a whole object. With `ifMatch` the write succeeds only while the stored ETag equals
   * it; with `ifNoneMatch: '*'` only while the key does not exist. A failed precondition raises
   * `PreconditionFailedError` and leaves the stored object unchanged.
   */
  put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<PutResult>;

  /** Lists the objects whose key starts with `prefix`, in ascending key order, page by page. */
  list(prefix: string, options?: ListOptions): AsyncIterable<ObjectInfo>;

  /** Deletes an object. Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;

  /** A short description for logs, such as `fs:/var/lib/hotdog` or `s3://bucket/prefix`. */
  readonly description: string;
}

/** Object metadata returned by `head` and `list`. */
export interface ObjectInfo {
  key: string;
  etag: string;
  /** Size of the body in bytes. */
  size: number;
  lastModified: Date;
  /** Present on `head` and `get`; `list` may leave it out because S3 listings do not return it. */
  contentType?: string;
  /** User metadata (S3 `x-amz-meta-*`); present on `head` and `get`. Keys are lower case. */
  metadata?: Record<string, string>;
}

/** A whole object as returned by `get`. */
export interface StoredObject extends ObjectInfo {
  body: Uint8Array;
}

/** An object opened by `getStream`: its metadata and a stream of its bytes. */
export interface StoredObjectStream {
  info: ObjectInfo;
  body: Readable;
}

export interface PutOptions {
  /** Write only while the stored ETag equals this value. */
  ifMatch?: string;
  /** Write only while the key does not exist. */
  ifNoneMatch?: '*';
  /** Defaults to `application/octet-stream`. */
  contentType?: string;
  /** User metadata; keys must be lower-case ASCII, values printable ASCII (an S3 header limit). */
  metadata?: Record<string, string>;
}

export interface PutResult {
  /** ETag of the object that this put stored. */
  etag: string;
}

export interface ListOptions {
  /** Objects requested per page from the backend; S3 caps this at 1000. */
  pageSize?: number;
}
