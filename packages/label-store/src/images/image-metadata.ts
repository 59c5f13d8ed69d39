import { InvalidArgumentError } from '../errors/invalid-argument-error.js';

/** Metadata name of the uploader's id. */
export const UPLOADER_METADATA = 'uploader';
/** Metadata name of the sanitized original file name. */
export const ORIGINAL_NAME_METADATA = 'original-name';

/**
 * Maximum length of an uploader id in UTF-8 bytes. Encoded (up to 3 characters per byte) it
 * still fits with the file name into the 2 KB that S3 allows for one object's metadata.
 */
export const MAX_UPLOADER_BYTES = 200;

/** The uploader and file name stored with an image. */
export interface ImageUploadMetadata {
  uploader: string;
  /** The sanitized file name, or `''` when the upload had none. */
  originalName: string;
}

/**
 * Builds the object metadata for an image. S3 metadata travels in HTTP headers and must be
 * printable ASCII, so both values are stored through `encodeURIComponent`: `名前.png` is stored
 * as `%E5%90%8D%E5%89%8D.png`, and a space as `%20`. `decodeImageMetadata` reverses it.
 *
 * @throws InvalidArgumentError when the uploader is empty, longer than `MAX_UPLOADER_BYTES` or not well-formed UTF-16.
 */
export function encodeImageMetadata({ uploader, originalName }: ImageUploadMetadata): Record<string, string> {
  validateUploader(uploader);
  const metadata: Record<string, string> = { [UPLOADER_METADATA]: encodeURIComponent(uploader) };
  if (originalName !== '') metadata[ORIGINAL_NAME_METADATA] = encodeURIComponent(originalName);
  return metadata;
}

/** Reads the uploader and original name from an image's metadata. A missing value becomes `''`, and one that is not percent-encoding is returned as stored. */
export function decodeImageMetadata(metadata: Readonly<Record<string, string>> | undefined): ImageUploadMetadata {
  return {
    uploader: decodeValue(metadata?.[UPLOADER_METADATA]),
    originalName: decodeValue(metadata?.[ORIGINAL_NAME_METADATA]),
  };
}

function validateUploader(uploader: string): void {
  if (typeof uploader !== 'string' || uploader === '') {
    throw new InvalidArgumentError('uploader', 'uploader must be a non-empty string that identifies who uploads the image');
  }
  if (Buffer.byteLength(uploader, 'utf8') > MAX_UPLOADER_BYTES) {
    throw new InvalidArgumentError(
      'uploader',
      `uploader ${JSON.stringify(uploader.slice(0, 40))}… is longer than ${MAX_UPLOADER_BYTES} bytes of UTF-8; use a shorter id`,
    );
  }
  try {
    encodeURIComponent(uploader);
  } catch {
    throw new InvalidArgumentError('uploader', `uploader ${JSON.stringify(uploader)} contains an unpaired UTF-16 surrogate`);
  }
}

function decodeValue(value: string | undefined): string {
  if (value === undefined) return '';
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
