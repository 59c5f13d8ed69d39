import { InvalidArgumentError } from './errors/invalid-argument-error.js';
import type { PutPrecondition } from './errors/precondition-failed-error.js';
import type { PutOptions } from './object-store.js';

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** S3 limits all user metadata of one object to 2 KB (names plus values, in bytes). */
export const MAX_METADATA_BYTES = 2048;

// S3 sends metadata as `x-amz-meta-<name>` headers, which are case-insensitive and come back in
// lower case, so only lower-case names survive a round trip unchanged.
const METADATA_NAME = /^[a-z0-9][a-z0-9-_.]*$/;
// Printable ASCII: S3 encodes other characters in headers, so they would not read back as written.
const METADATA_VALUE = /^[\u0020-\u007e]*$/;

/** Put options after validation, with the defaults filled in. */
export interface ValidatedPutOptions {
  precondition: PutPrecondition | undefined;
  contentType: string;
  metadata: Record<string, string>;
}

/**
 * Validates put options the same way for every backend and fills in the defaults.
 *
 * @throws InvalidArgumentError when both preconditions are set, `ifNoneMatch` is not `'*'`,
 * `ifMatch` is empty, or a metadata name or value breaks the S3 header rules.
 */
export function validatePutOptions(options: PutOptions = {}): ValidatedPutOptions {
  return {
    precondition: validatePrecondition(options),
    contentType: options.contentType ?? DEFAULT_CONTENT_TYPE,
    metadata: validateMetadata(options.metadata ?? {}),
  };
}

/** Converts a string body to UTF-8 bytes and copies a binary one, so later changes by the caller do not leak in. */
export function bodyBytes(body: Uint8Array | string): Uint8Array {
  return typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body);
}

function validatePrecondition(options: PutOptions): PutPrecondition | undefined {
  const { ifMatch, ifNoneMatch } = options;
  if (ifMatch !== undefined && ifNoneMatch !== undefined) {
    throw new InvalidArgumentError(
      'ifMatch',
      'put accepts either ifMatch or ifNoneMatch, not both; use ifMatch to replace a known version ' +
        "or ifNoneMatch: '*' to create a new key",
    );
  }
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch !== '*') {
      throw new InvalidArgumentError('ifNoneMatch', `ifNoneMatch must be '*', got ${JSON.stringify(ifNoneMatch)}`);
    }
    return { ifNoneMatch };
  }
  if (ifMatch !== undefined) {
    if (typeof ifMatch !== 'string' || ifMatch === '') {
      throw new InvalidArgumentError('ifMatch', 'ifMatch must be a non-empty ETag as returned by get, head or put');
    }
    return { ifMatch };
  }
  return undefined;
}

function validateMetadata(metadata: Record<string, string>): Record<string, string> {
  let totalBytes = 0;
  for (const [name, value] of Object.entries(metadata)) {
    if (!METADATA_NAME.test(name)) {
      throw new InvalidArgumentError(
        'metadata',
        `invalid metadata name ${JSON.stringify(name)}: use lower-case letters, digits, "-", "_" and "."`,
      );
    }
    if (typeof value !== 'string' || !METADATA_VALUE.test(value)) {
      throw new InvalidArgumentError(
        'metadata',
        `invalid value for metadata ${JSON.stringify(name)}: use printable ASCII only, or encode the value first`,
      );
    }
    totalBytes += name.length + value.length;
  }
  if (totalBytes > MAX_METADATA_BYTES) {
    throw new InvalidArgumentError(
      'metadata',
      `metadata has ${totalBytes} bytes, more than the S3 limit of ${MAX_METADATA_BYTES}; store large values in the body`,
    );
  }
  return { ...metadata };
}
