import { IMAGE_TYPES, type ImageContentType, type ImageType } from './image-type.js';

/** Bytes that `sniffImageType` needs to tell all four formats apart; WebP's `RIFF....WEBP` is the longest signature. */
export const SNIFF_BYTES = 12;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// SOI marker followed by the first byte of the next marker.
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
const GIF87A = [...'GIF87a'].map((char) => char.charCodeAt(0));
const GIF89A = [...'GIF89a'].map((char) => char.charCodeAt(0));
const RIFF = [...'RIFF'].map((char) => char.charCodeAt(0));
const WEBP = [...'WEBP'].map((char) => char.charCodeAt(0));

/**
 * Detects an image format from the file's first bytes (its magic number). The declared content
 * type and the file name are never consulted, because a client controls both. Returns
 * `undefined` for anything else, including SVG, HTML, PDF, text and empty input.
 */
export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
  if (startsWith(bytes, PNG_SIGNATURE)) return typeOf('image/png');
  if (startsWith(bytes, JPEG_SIGNATURE)) return typeOf('image/jpeg');
  if (startsWith(bytes, GIF87A) || startsWith(bytes, GIF89A)) return typeOf('image/gif');
  // RIFF container: "RIFF", a 4-byte little-endian size, then the form type "WEBP".
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return typeOf('image/webp');
  return undefined;
}

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.byteLength < offset + signature.length) return false;
  return signature.every((byte, index) => bytes[offset + index] === byte);
}

function typeOf(contentType: ImageContentType): ImageType {
  const type = IMAGE_TYPES.find((candidate) => candidate.contentType === contentType) as ImageType;
  return { ...type };
}
