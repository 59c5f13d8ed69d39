import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';

import { StorageError, type StorageOperation } from './errors/storage-error.js';
import { validatePageSize } from './list-options.js';
import { assertValidKey } from './object-key.js';
import type {
  ListOptions,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  PutResult,
  StoredObject,
  StoredObjectStream,
} from './object-store.js';
import { bodyBytes, validatePutOptions } from './put-options.js';
import { createS3Client } from './s3-client.js';
import { cacheCredentials, defaultCredentialsProvider } from './s3-credentials.js';
import { LeanS3Put } from './s3-lean-put.js';
import { isObjectNotFound, toPreconditionFailed, toStorageError } from './s3-errors.js';

export interface S3StoreOptions {
  /** Bucket for the objects, which must exist. */
  bucket: string;
  /** Folder inside the bucket, such as `hotdog/`; a missing trailing `/` is added. Keys are stored under it and listed without it. */
  prefix?: string;
  /** A client to use instead of creating one; `endpoint`, `region`, `forcePathStyle` and `maxAttempts` are then ignored. */
  client?: S3Client;
  /** URL of an S3-compatible server such as SeaweedFS or MinIO; when unset, AWS S3 is used. */
  endpoint?: string;
  /** AWS region; defaults to the AWS configuration, or to `us-east-1` when `endpoint` is set. */
  region?: string;
  /** Puts the bucket in the URL path instead of the host name; defaults to true when `endpoint` is set. */
  forcePathStyle?: boolean;
  /** Attempts per request including retries, passed to the SDK; its default is 3. */
  maxAttempts?: number;
  /** Idle time after which the SDK abandons and retries a request, in milliseconds; see `createS3Client`. */
  requestTimeoutMs?: number;
  /**
   * Sends `put` through `LeanS3Put` (its own Signature V4 signer on `node:crypto` and `node:http`)
   * instead of the SDK's PutObject, which costs several times more CPU per small object. Other
   * operations always use the SDK. Defaults to true when the store creates its own client, and to
   * false with `client`, so that a mocked client sees every request. Configurations that `LeanS3Put`
   * does not handle (FIPS, dual-stack, accelerate, non-commercial AWS partitions) use the SDK.
   */
  leanPut?: boolean;
}

/** Guards against a server that never ends a listing; 100,000 pages are up to 100 million keys. */
const MAX_LIST_PAGES = 100_000;

/**
 * An `ObjectStore` in an S3 bucket, optionally under a key prefix. Conditional puts use the S3
 * `If-Match` and `If-None-Match` headers, so the server checks the precondition atomically.
 * A store that creates its own client takes credentials only from the standard AWS chain
 * (environment, shared config, instance role).
 */
export class S3Store implements ObjectStore {
  readonly bucket: string;
  readonly prefix: string;
  readonly description: string;
  /** The one client that this store sends all requests with, so connections are reused. */
  readonly client: S3Client;
  readonly #ownsClient: boolean;
  readonly #leanPut: LeanS3Put | undefined;

  constructor(options: S3StoreOptions) {
    this.bucket = options.bucket;
    this.prefix = normalizePrefix(options.prefix);
    this.description = `s3://${this.bucket}/${this.prefix}`;
    this.#ownsClient = options.client === undefined;
    this.client =
      options.client ??
      createS3Client({
        endpoint: options.endpoint,
        region: options.region,
        forcePathStyle: options.forcePathStyle,
        maxAttempts: options.maxAttempts,
        requestTimeoutMs: options.requestTimeoutMs,
      });
    if (options.leanPut ?? this.#ownsClient) {
      // A store with its own client reads credentials from the default chain, as its client does.
      // A passed-in client may carry fixed credentials, so those are used instead.
      const credentials = this.#ownsClient ? defaultCredentialsProvider() : cacheCredentials(() => this.client.config.credentials());
      this.#leanPut = new LeanS3Put({
        client: this.client,
        bucket: this.bucket,
        credentials,
        maxAttempts: options.maxAttempts,
        requestTimeoutMs: options.requestTimeoutMs,
      });
    }
  }

  async get(key: string): Promise<StoredObject | undefined> {
    assertValidKey(key);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.#fullKey(key) }));
      const body = response.Body ? await response.Body.transformToByteArray() : new Uint8Array();
      return {
        key,
        etag: this.#requireEtag('get', key, response.ETag),
        size: body.byteLength,
        lastModified: response.LastModified ?? new Date(0),
        contentType: response.ContentType,
        metadata: { ...response.Metadata },
        body,
      };
    } catch (error) {
      if (isObjectNotFound(error)) return undefined;
      throw this.#wrap('get', key, error);
    }
  }

  async getStream(key: string): Promise<StoredObjectStream | undefined> {
    assertValidKey(key);
    let response;
    try {
      response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.#fullKey(key) }));
    } catch (error) {
      if (isObjectNotFound(error)) return undefined;
      throw this.#wrap('get', key, error);
    }

    // In Node.js the SDK returns the HTTP response itself as the body. Destroying it closes the
    // connection and so frees its place in the client's connection pool.
    const body = response.Body;
    if (!(body instanceof Readable)) {
      (body as { destroy?: () => void } | undefined)?.destroy?.();
      throw new StorageError(
        'get',
        key,
        `S3 get of ${JSON.stringify(key)} in ${this.description} returned a body that is not a Node.js stream; getStream needs the SDK's Node.js HTTP handler`,
      );
    }

    try {
      const info: ObjectInfo = {
        key,
        etag: this.#requireEtag('get', key, response.ETag),
        size: response.ContentLength ?? 0,
        lastModified: response.LastModified ?? new Date(0),
        contentType: response.ContentType,
        metadata: { ...response.Metadata },
      };
      return { info, body };
    } catch (error) {
      body.destroy();
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    assertValidKey(key);
    try {
      const response = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.#fullKey(key) }));
      return {
        key,
        etag: this.#requireEtag('head', key, response.ETag),
        size: response.ContentLength ?? 0,
        lastModified: response.LastModified ?? new Date(0),
        contentType: response.ContentType,
        metadata: { ...response.Metadata },
      };
    } catch (error) {
      if (isObjectNotFound(error)) return undefined;
      throw this.#wrap('head', key, error);
    }
  }

  async put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<PutResult> {
    assertValidKey(key);
    const { precondition, contentType, metadata } = validatePutOptions(options);
    const bytes = bodyBytes(body);

    if (this.#leanPut !== undefined && (await this.#leanPut.isSupported())) {
      try {
        const etag = await this.#leanPut.put({ key: this.#fullKey(key), body: bytes, contentType, metadata, precondition });
        return { etag: this.#requireEtag('put', key, etag) };
      } catch (error) {
        throw toPreconditionFailed(error, key, precondition) ?? this.#wrap('put', key, error);
      }
    }

    try {
      const response = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.#fullKey(key),
          Body: bytes,
          ContentLength: bytes.byteLength,
          ContentType: contentType,
          Metadata: metadata,
          IfMatch: precondition && 'ifMatch' in precondition ? precondition.ifMatch : undefined,
          IfNoneMatch: precondition && 'ifNoneMatch' in precondition ? precondition.ifNoneMatch : undefined,
        }),
      );
      return { etag: this.#requireEtag('put', key, response.ETag) };
    } catch (error) {
      throw toPreconditionFailed(error, key, precondition) ?? this.#wrap('put', key, error);
    }
  }

  async *list(prefix: string, options?: ListOptions): AsyncIterable<ObjectInfo> {
    const pageSize = validatePageSize(options);
    const seenTokens = new Set<string>();
    let continuationToken: string | undefined;

    for (let page = 1; page <= MAX_LIST_PAGES; page++) {
      const response = await this.#listPage(prefix, pageSize, continuationToken);

      for (const entry of response.Contents ?? []) {
        // Keys outside the store's prefix cannot appear under a prefixed listing; skip them defensively.
        if (!entry.Key?.startsWith(this.prefix)) continue;
        yield {
          key: entry.Key.slice(this.prefix.length),
          etag: entry.ETag ?? '',
          size: entry.Size ?? 0,
          lastModified: entry.LastModified ?? new Date(0),
        };
      }

      if (!response.IsTruncated) return;
      continuationToken = response.NextContinuationToken;
      if (!continuationToken || seenTokens.has(continuationToken)) {
        throw new StorageError(
          'list',
          prefix,
          `S3 list of ${JSON.stringify(prefix)} in ${this.description} stopped after page ${page}: the server ` +
            'marked the listing as truncated but sent no new continuation token; the server may not support ListObjectsV2 paging',
        );
      }
      seenTokens.add(continuationToken);
    }

    throw new StorageError(
      'list',
      prefix,
      `S3 list of ${JSON.stringify(prefix)} in ${this.description} exceeded ${MAX_LIST_PAGES} pages; list a narrower prefix`,
    );
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.#fullKey(key) }));
    } catch (error) {
      if (isObjectNotFound(error)) return;
      throw this.#wrap('delete', key, error);
    }
  }

  /** Closes the connections of the client that this store created; a client passed in is left open. */
  destroy(): void {
    if (this.#ownsClient) this.client.destroy();
    this.#leanPut?.destroy();
  }

  async #listPage(prefix: string, pageSize: number, continuationToken: string | undefined) {
    try {
      return await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.#fullKey(prefix),
          MaxKeys: pageSize,
          ContinuationToken: continuationToken,
        }),
      );
    } catch (error) {
      throw this.#wrap('list', prefix, error);
    }
  }

  #fullKey(key: string): string {
    return `${this.prefix}${key}`;
  }

  #requireEtag(operation: 'get' | 'head' | 'put', key: string, etag: string | undefined): string {
    if (etag) return etag;
    throw new StorageError(
      operation,
      key,
      `S3 ${operation} of ${JSON.stringify(key)} in ${this.description} returned no ETag; the server is not S3-compatible enough for conditional writes`,
    );
  }

  #wrap(operation: StorageOperation, key: string, error: unknown): StorageError {
    return error instanceof StorageError ? error : toStorageError(operation, this.description, key, error);
  }
}

/** Returns `prefix` with a trailing `/` and no leading one, or `''` for no prefix. */
function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}
