import { decode as decodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';

/** Decoded image: `data` contains 4 bytes (red, green, blue, alpha) per pixel, row by row. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export type ImageType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';

/**
 * Largest image decoded for a preview. Its RGBA buffer takes 4 bytes per pixel,
 * so 25 megapixels is 100 MB; larger images are not previewed.
 */
export const MAX_DECODED_PIXELS = 25_000_000;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Error for image bytes that the preview cannot decode. The message gives the reason. */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
}

/** Returns the image type from the first bytes (the magic number), or undefined for another format. */
export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
  if (startsWith(bytes, PNG_SIGNATURE)) {
    return 'image/png';
  }
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) {
    return 'image/jpeg';
  }
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) {
    return 'image/gif';
  }
  if (readAscii(bytes, 0, 4) === 'RIFF' && readAscii(bytes, 8, 4) === 'WEBP') {
    return 'image/webp';
  }
  return undefined;
}

/**
 * Decodes JPEG or PNG bytes into RGBA pixels.
 * Throws ImageDecodeError for another format, corrupt data, or more than MAX_DECODED_PIXELS pixels.
 */
export function decodeImage(bytes: Uint8Array): RgbaImage {
  const type = sniffImageType(bytes);
  if (type === 'image/png') {
    return decodePng(bytes);
  }
  if (type === 'image/jpeg') {
    return decodeJpegBytes(bytes);
  }
  throw new ImageDecodeError(`the preview decodes only JPEG and PNG, not ${type ?? 'this file type'}`);
}

function decodePng(bytes: Uint8Array): RgbaImage {
  // The IHDR chunk always comes first: width and height are big-endian at offsets 16 and 20.
  if (bytes.length < 24) {
    throw new ImageDecodeError('the PNG file is truncated before its header ends');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkPixelCount(view.getUint32(16), view.getUint32(20));

  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { width: png.width, height: png.height, data: png.data };
  } catch (error) {
    throw new ImageDecodeError(`invalid PNG data (${describe(error)})`, { cause: error });
  }
}

function decodeJpegBytes(bytes: Uint8Array): RgbaImage {
  try {
    const image = decodeJpeg(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: MAX_DECODED_PIXELS / 1_000_000,
    });
    return { width: image.width, height: image.height, data: image.data };
  } catch (error) {
    throw new ImageDecodeError(`invalid or too large JPEG data (${describe(error)})`, { cause: error });
  }
}

function checkPixelCount(width: number, height: number): void {
  if (width * height > MAX_DECODED_PIXELS) {
    throw new ImageDecodeError(
      `the image is ${width}x${height} pixels, more than the preview limit of ${MAX_DECODED_PIXELS} pixels`,
    );
  }
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((value, index) => bytes[index] === value);
}

function readAscii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
