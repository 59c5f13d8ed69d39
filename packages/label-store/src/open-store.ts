import type { S3Client } from '@aws-sdk/client-s3';

import { InvalidStorageUrlError } from './errors/invalid-storage-url-error.js';
import { FsStore } from './fs-store.js';
import { MemoryStore } from './memory-store.js';
import type { ObjectStore } from './object-store.js';
import { S3Store } from './s3-store.js';

export interface OpenStoreOptions {
  /** URL of an S3-compatible server for `s3://` URLs, such as `http://127.0.0.1:8333`; unset means AWS S3. */
  s3Endpoint?: string;
  /** AWS region for `s3://` URLs; defaults to the AWS configuration, or `us-east-1` with `s3Endpoint`. */
  region?: string;
  /** A client for `s3://` URLs to use instead of creating one; `s3Endpoint` and `region` are then ignored. */
  s3Client?: S3Client;
  /** Attempts per S3 request including retries; the SDK's default is 3. */
  s3MaxAttempts?: number;
  /** Idle time after which an S3 request is abandoned and retried, in milliseconds. */
  s3RequestTimeoutMs?: number;
  /**
   * Sends S3 puts with `LeanS3Put` instead of the SDK (see `S3StoreOptions.leanPut`). Defaults to
   * true for a store with its own client, unless the environment sets `HOTDOG_S3_LEAN_PUT=0`, which
   * turns it off without a code change.
   */
  s3LeanPut?: boolean;
}

// S3 bucket naming rules: 3 to 63 lower-case letters, digits, dots and hyphens, starting and
// ending with a letter or digit.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Opens the store that a storage URL names:
 * - `memory:` for a `MemoryStore` that lives as long as the process,
 * - `fs:<directory>` for an `FsStore`, with a relative directory resolved against the working directory,
 * - `s3://<bucket>[/<prefix>]` for an `S3Store`.
 *
 * @throws InvalidStorageUrlError when the URL has none of these forms, naming the value and the forms.
 */
export function openStore(url: string, options: OpenStoreOptions = {}): ObjectStore {
  if (url === 'memory:') return new MemoryStore();

  if (url.startsWith('fs:')) {
    const directory = url.slice('fs:'.length);
    if (directory === '') throw new InvalidStorageUrlError(url, 'fs: needs a directory, such as fs:./data');
    return new FsStore(directory);
  }

  if (url.startsWith('s3://')) {
    const { bucket, prefix } = parseS3Url(url);
    return new S3Store({
      bucket,
      prefix,
      client: options.s3Client,
      endpoint: options.s3Endpoint,
      region: options.region,
      maxAttempts: options.s3MaxAttempts,
      requestTimeoutMs: options.s3RequestTimeoutMs,
      leanPut: options.s3LeanPut ?? (process.env.HOTDOG_S3_LEAN_PUT === '0' ? false : undefined),
    });
  }

  throw new InvalidStorageUrlError(url, 'unknown scheme');
}

function parseS3Url(url: string): { bucket: string; prefix: string } {
  const path = url.slice('s3://'.length);
  const slash = path.indexOf('/');
  const bucket = slash === -1 ? path : path.slice(0, slash);
  const prefix = slash === -1 ? '' : path.slice(slash + 1);

  if (!BUCKET_NAME.test(bucket)) {
    throw new InvalidStorageUrlError(
      url,
      `${JSON.stringify(bucket)} is not a valid S3 bucket name (3 to 63 lower-case letters, digits, "." and "-")`,
    );
  }
  if (prefix.includes('//') || prefix.startsWith('/')) {
    throw new InvalidStorageUrlError(url, `the prefix ${JSON.stringify(prefix)} contains an empty segment`);
  }
  return { bucket, prefix };
}
