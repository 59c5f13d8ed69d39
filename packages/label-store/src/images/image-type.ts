/** The image formats that hotdog-lab accepts, as MIME types. */
export type ImageContentType = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/gif';

/** The file extension used in an image's storage key, one per content type. */
export type ImageExtension = 'jpg' | 'png' | 'webp' | 'gif';

/** A content type with the extension that goes with it. */
export interface ImageType {
  contentType: ImageContentType;
  extension: ImageExtension;
}

/** Every accepted format. Browsers display all four, and each has a signature that `sniffImageType` recognises. */
export const IMAGE_TYPES: readonly ImageType[] = [
  { contentType: 'image/jpeg', extension: 'jpg' },
  { contentType: 'image/png', extension: 'png' },
  { contentType: 'image/webp', extension: 'webp' },
  { contentType: 'image/gif', extension: 'gif' },
];

/** The accepted formats in words, for error messages. */
export const ACCEPTED_IMAGE_FORMATS = 'JPEG, PNG, WebP or GIF';

/** Returns the image type for a storage key's extension, or `undefined` for any other extension. */
export function imageTypeForExtension(extension: string): ImageType | undefined {
  return IMAGE_TYPES.find((type) => type.extension === extension);
}
