import { imageTypeForExtension, type ImageExtension, type ImageType } from './image-type.js';

/** Storage key prefix of all images; the full key is `images/<sha256 hex>.<extension>`. */
export const IMAGE_KEY_PREFIX = 'images/';

const IMAGE_ID = /^[0-9a-f]{64}$/;
const IMAGE_KEY = /^images\/([0-9a-f]{64})\.([a-z]+)$/;

/** Tells whether `id` has the form of an image id: 64 lower-case hex digits (a SHA-256). */
export function isImageId(id: string): boolean {
  return IMAGE_ID.test(id);
}

/** Builds the storage key of an image from its id and extension. */
export function imageKey(id: string, extension: ImageExtension): string {
  return `${IMAGE_KEY_PREFIX}${id}.${extension}`;
}

/**
 * Splits an image key into its id and type, or returns `undefined` for any key that `imageKey`
 * cannot produce, such as a file copied into `images/` by hand.
 */
export function parseImageKey(key: string): ({ id: string } & ImageType) | undefined {
  const match = IMAGE_KEY.exec(key);
  if (!match) return undefined;

  const type = imageTypeForExtension(match[2] as string);
  return type && { id: match[1] as string, ...type };
}
