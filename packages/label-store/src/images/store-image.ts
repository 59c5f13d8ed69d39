import { createHash } from 'node:crypto';

import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { PreconditionFailedError } from '../errors/precondition-failed-error.js';
import type { ObjectStore } from '../object-store.js';
import { readImageDimensions } from './dimensions.js';
import { imageKey } from './image-key.js';
import { encodeImageMetadata } from './image-metadata.js';
import { ACCEPTED_IMAGE_FORMATS, type ImageContentType } from './image-type.js';
import { ImageUploadError } from './image-upload-error.js';
import { sanitizeFileName } from './sanitize-file-name.js';
import { sniffImageType } from './sniff.js';

/**
 * Default upload limit: 10 MiB. That is several times the usual size of a JPEG photo from a
 * phone (an estimate: a few MB), and the whole upload is held in memory while it is checked and hashed.
 */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/**
 * Default limit on width times height: 40 megapixels, such as 7300x5475. It admits the photos
 * of common phones and cameras but rejects decompression bombs, such as a small PNG that claims
 * 100000x100000 pixels. Decoding 40 MP as RGBA takes 160 MB, which a browser showing the image
 * or a thumbnailer can still afford.
 */
export const MAX_IMAGE_PIXELS = 40_000_000;

export interface StoreImageOptions {
  /** Id of the user who uploads the image, stored as metadata; 1 to 200 bytes of UTF-8. */
  uploader: string;
  /** The file name that the client sent; it is sanitized, stored as metadata and never used in the key. */
  fileName?: string;
  /** Largest accepted upload in bytes; defaults to `MAX_UPLOAD_BYTES`. */
  maxBytes?: number;
  /** Largest accepted width times height; defaults to `MAX_IMAGE_PIXELS`. */
  maxPixels?: number;
}

/** An image as `storeImage` stored it, or found it already stored. */
export interface StoredImage {
  /** Lower-case hex SHA-256 of the content. */
  id: string;
  /** `images/<id>.<extension>`. */
  key: string;
  contentType: ImageContentType;
  width: number;
  height: number;
  /** Size in bytes. */
  size: number;
  /** False when the same content was already stored; its metadata then still names the first uploader. */
  created: boolean;
}

/**
 * Validates an uploaded image and stores it under a key derived from its content, so the same
 * picture uploaded twice is stored once.
 *
 * The source is read until it ends or exceeds `maxBytes`, and no more than `maxBytes` bytes are
 * buffered. Leaving early calls the iterator's `return()`, which destroys a Node.js `Readable`
 * source. The format is sniffed from the bytes, and the width and height are read from its
 * header. The object is written with `ifNoneMatch: '*'`.
 *
 * @throws ImageUploadError with `EMPTY_FILE`, `FILE_TOO_LARGE`, `UNSUPPORTED_IMAGE_TYPE`,
 * `INVALID_IMAGE` or `IMAGE_DIMENSIONS_TOO_LARGE` when the upload is not an acceptable image.
 * @throws InvalidArgumentError for invalid options, and the store's errors (such as `StorageError`) unchanged.
 */
export async function storeImage(
  store: ObjectStore,
  source: AsyncIterable<Uint8Array>,
  options: StoreImageOptions,
): Promise<StoredImage> {
  const { maxBytes, maxPixels } = validateLimits(options);
  const fileName = sanitizeFileName(options.fileName ?? '');
  // Validates the uploader before any byte is read.
  const metadata = encodeImageMetadata({ uploader: options.uploader, originalName: fileName });

  const bytes = await readUpToLimit(source, maxBytes, fileName);
  const checked = checkImage(bytes, maxPixels, fileName);

  const id = createHash('sha256').update(bytes).digest('hex');
  const key = imageKey(id, checked.extension);
  const created = await putIfAbsent(store, key, bytes, checked.contentType, metadata);

  return {
    id,
    key,
    contentType: checked.contentType,
    width: checked.width,
    height: checked.height,
    size: bytes.byteLength,
    created,
  };
}

/** Collects the source's bytes, rejecting it as soon as the total exceeds `maxBytes`. */
async function readUpToLimit(source: AsyncIterable<Uint8Array>, maxBytes: number, fileName: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;

  for await (const chunk of source) {
    if (!(chunk instanceof Uint8Array)) {
      throw new InvalidArgumentError('source', `image source must yield Uint8Array chunks, got ${typeof chunk}; do not set an encoding on the stream`);
    }
    total += chunk.byteLength;
    if (total > maxBytes) {
      throw new ImageUploadError(
        'FILE_TOO_LARGE',
        fileName,
        `${describeUpload(fileName)} is larger than the limit of ${maxBytes} bytes (${formatMebibytes(maxBytes)}); ` +
          'reduce its resolution or quality and upload it again',
        { maxBytes },
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** Checks that the bytes are a readable image of an accepted type and size, and returns its type and dimensions. */
function checkImage(bytes: Uint8Array, maxPixels: number, fileName: string) {
  if (bytes.byteLength === 0) {
    throw new ImageUploadError(
      'EMPTY_FILE',
      fileName,
      `${describeUpload(fileName)} is empty (0 bytes); choose a ${ACCEPTED_IMAGE_FORMATS} file and upload it again`,
    );
  }

  const type = sniffImageType(bytes);
  if (!type) {
    throw new ImageUploadError(
      'UNSUPPORTED_IMAGE_TYPE',
      fileName,
      `${describeUpload(fileName)} is not a ${ACCEPTED_IMAGE_FORMATS} image: its first bytes match none of their ` +
        'signatures (the file name and declared type are not used); convert it to one of these formats',
      { acceptedTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] },
    );
  }

  const dimensions = readImageDimensions(bytes, type.contentType);
  if (!dimensions) {
    throw new ImageUploadError(
      'INVALID_IMAGE',
      fileName,
      `${describeUpload(fileName)} starts like a ${type.contentType} image, but its header is truncated or malformed, ` +
        'so its width and height cannot be read; export the image again and upload the new file',
      { contentType: type.contentType },
    );
  }

  const pixels = dimensions.width * dimensions.height;
  if (pixels > maxPixels) {
    throw new ImageUploadError(
      'IMAGE_DIMENSIONS_TOO_LARGE',
      fileName,
      `${describeUpload(fileName)} is ${dimensions.width}x${dimensions.height} pixels (${pixels} pixels), more than ` +
        `the limit of ${maxPixels} pixels; scale it down and upload it again`,
      { width: dimensions.width, height: dimensions.height, pixels, maxPixels },
    );
  }
  return { ...type, ...dimensions };
}

/** Writes the object unless the key exists, and returns whether this call created it. */
async function putIfAbsent(
  store: ObjectStore,
  key: string,
  bytes: Uint8Array,
  contentType: ImageContentType,
  metadata: Record<string, string>,
): Promise<boolean> {
  // The key is the content hash, so an existing object has the same bytes. Checking first saves
  // sending them again.
  if (await store.head(key)) return false;

  try {
    await store.put(key, bytes, { ifNoneMatch: '*', contentType, metadata });
    return true;
  } catch (error) {
    // Another upload of the same content won the race between the head and this put.
    if (error instanceof PreconditionFailedError) return false;
    throw error;
  }
}

function validateLimits(options: StoreImageOptions): { maxBytes: number; maxPixels: number } {
  const maxBytes = options.maxBytes ?? MAX_UPLOAD_BYTES;
  const maxPixels = options.maxPixels ?? MAX_IMAGE_PIXELS;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new InvalidArgumentError('maxBytes', `maxBytes must be a positive integer number of bytes, got ${maxBytes}`);
  }
  if (!Number.isSafeInteger(maxPixels) || maxPixels < 1) {
    throw new InvalidArgumentError('maxPixels', `maxPixels must be a positive integer number of pixels, got ${maxPixels}`);
  }
  return { maxBytes, maxPixels };
}

function describeUpload(fileName: string): string {
  return fileName === '' ? 'the uploaded file (sent without a name)' : `the uploaded file ${JSON.stringify(fileName)}`;
}

function formatMebibytes(bytes: number): string {
  return `${Number((bytes / (1024 * 1024)).toFixed(2))} MiB`;
}
