import type { ImageContentType } from './image-type.js';

/** Width and height of an image in pixels, as its header states them. */
export interface ImageDimensions {
  width: number;
  height: number;
}

/**
 * Upper bound on JPEG marker segments read before the frame header. Encoders write a handful
 * (APPn, DQT, DHT, COM); a file with thousands is malformed or built to waste time.
 */
export const MAX_JPEG_SEGMENTS = 1_000;

/** PNG stores width and height as 31-bit unsigned integers (PNG specification, IHDR). */
const MAX_PNG_DIMENSION = 2 ** 31 - 1;

/**
 * Reads an image's width and height from its header, without decoding pixels. Returns
 * `undefined` when the header is truncated, malformed or states a zero width or height.
 * `contentType` must be the type that `sniffImageType` detected for the same bytes.
 *
 * - PNG: the IHDR chunk, which the format requires to come first.
 * - GIF: the logical screen descriptor.
 * - WebP: the first chunk, `VP8 ` (lossy), `VP8L` (lossless) or `VP8X` (extended, with the canvas size).
 * - JPEG: the first SOFn frame header, found by skipping marker segments (at most `MAX_JPEG_SEGMENTS`).
 *   A JPEG whose height is defined later by a DNL marker (height 0 in SOF) counts as unreadable.
 */
export function readImageDimensions(bytes: Uint8Array, contentType: ImageContentType): ImageDimensions | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dimensions = readByType(view, contentType);
  if (!dimensions || dimensions.width <= 0 || dimensions.height <= 0) return undefined;
  return dimensions;
}

function readByType(view: DataView, contentType: ImageContentType): ImageDimensions | undefined {
  switch (contentType) {
    case 'image/png':
      return readPng(view);
    case 'image/gif':
      return readGif(view);
    case 'image/webp':
      return readWebp(view);
    case 'image/jpeg':
      return readJpeg(view);
  }
}

/** Signature (8 bytes), IHDR length (4, always 13), `IHDR` (4), width (4, big-endian), height (4). */
function readPng(view: DataView): ImageDimensions | undefined {
  if (view.byteLength < 24) return undefined;
  if (view.getUint32(8) !== 13 || fourCc(view, 12) !== 'IHDR') return undefined;

  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width > MAX_PNG_DIMENSION || height > MAX_PNG_DIMENSION) return undefined;
  return { width, height };
}

/** Signature (6 bytes), then the logical screen width and height, 16-bit little-endian. */
function readGif(view: DataView): ImageDimensions | undefined {
  if (view.byteLength < 10) return undefined;
  return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
}

/** `RIFF`, size, `WEBP` (12 bytes), then the first chunk: its type (4), its size (4) and its data from byte 20. */
function readWebp(view: DataView): ImageDimensions | undefined {
  if (view.byteLength < 20) return undefined;
  const data = 20;

  switch (fourCc(view, 12)) {
    case 'VP8 ': {
      // Frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height (the top 2 bits are scaling).
      if (view.byteLength < data + 10) return undefined;
      if (view.getUint8(data + 3) !== 0x9d || view.getUint8(data + 4) !== 0x01 || view.getUint8(data + 5) !== 0x2a) {
        return undefined;
      }
      return { width: view.getUint16(data + 6, true) & 0x3fff, height: view.getUint16(data + 8, true) & 0x3fff };
    }
    case 'VP8L': {
      // Signature byte 0x2f, then width - 1 and height - 1 as two 14-bit fields, least significant bits first.
      if (view.byteLength < data + 5 || view.getUint8(data) !== 0x2f) return undefined;
      const bits = view.getUint32(data + 1, true);
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    case 'VP8X': {
      // Flags (1 byte), reserved (3), then canvas width - 1 and height - 1 as 24-bit little-endian values.
      if (view.byteLength < data + 10) return undefined;
      return { width: uint24le(view, data + 4) + 1, height: uint24le(view, data + 7) + 1 };
    }
    default:
      return undefined;
  }
}

/**
 * Walks the marker segments after SOI until the first frame header. Markers C4 (DHT), C8 (JPG,
 * reserved) and CC (DAC) lie in the SOF range C0-CF but are not frame headers.
 */
function readJpeg(view: DataView): ImageDimensions | undefined {
  const length = view.byteLength;
  let position = 2;

  for (let segment = 0; segment < MAX_JPEG_SEGMENTS; segment++) {
    if (position >= length || view.getUint8(position) !== 0xff) return undefined;
    // Any number of 0xff fill bytes may precede a marker; the scan stops at the end of the data.
    while (position < length && view.getUint8(position) === 0xff) position++;
    if (position >= length) return undefined;
    const marker = view.getUint8(position);
    position++;

    if (isStandaloneMarker(marker)) continue;
    // Start of scan or end of image before any frame header: the file has no usable SOF.
    if (marker === 0xda || marker === 0xd9 || marker === 0x00) return undefined;

    if (position + 2 > length) return undefined;
    const segmentLength = view.getUint16(position);
    if (segmentLength < 2) return undefined;

    if (isFrameHeader(marker)) {
      // Length (2), sample precision (1), height (2), width (2).
      if (segmentLength < 8 || position + 7 > length) return undefined;
      return { width: view.getUint16(position + 5), height: view.getUint16(position + 3) };
    }
    position += segmentLength;
  }
  return undefined;
}

function isFrameHeader(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Markers without a length field: TEM, RST0-RST7 and SOI. */
function isStandaloneMarker(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8);
}

function fourCc(view: DataView, offset: number): string {
  return String.fromCharCode(view.getUint8(offset), view.getUint8(offset + 1), view.getUint8(offset + 2), view.getUint8(offset + 3));
}

function uint24le(view: DataView, offset: number): number {
  return view.getUint8(offset) | (view.getUint8(offset + 1) << 8) | (view.getUint8(offset + 2) << 16);
}
