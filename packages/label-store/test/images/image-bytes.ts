import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

/**
 * Builders for small image files used as test input. The PNG and GIF builders write every part
 * that their format requires, pixel data included, but no decoder checks them here. The WebP
 * builders and `jpegBytes` write correct headers followed by placeholder data, which is all that
 * sniffing and dimension reading look at.
 */

const ascii = (text: string) => Buffer.from(text, 'latin1');

function uint16be(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(value);
  return buffer;
}

function uint16le(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16LE(value);
  return buffer;
}

function uint32be(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}

function uint32le(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value);
  return buffer;
}

function uint24le(value: number): Buffer {
  return Buffer.from([value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([ascii(type), data]);
  return Buffer.concat([uint32be(data.byteLength), typeAndData, uint32be(crc32(typeAndData))]);
}

function ihdr(width: number, height: number): Buffer {
  // Bit depth 8, colour type 0 (greyscale), compression 0, filter 0, no interlace.
  return pngChunk('IHDR', Buffer.concat([uint32be(width), uint32be(height), Buffer.from([8, 0, 0, 0, 0])]));
}

/** Builds a greyscale PNG filled with `shade`, so that images of one size can still differ in content. */
export function pngBytes(width: number, height: number, shade = 0x80): Uint8Array {
  // Each scanline is a filter-type byte (0, none) followed by one byte per pixel.
  const scanline = Buffer.concat([Buffer.from([0]), Buffer.alloc(width, shade)]);
  const raw = Buffer.concat(Array.from({ length: height }, () => scanline));
  return Buffer.concat([PNG_SIGNATURE, ihdr(width, height), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

/** Builds a PNG whose IHDR claims `width` x `height` but that has no pixel data, like the header of a decompression bomb. */
export function pngHeaderBytes(width: number, height: number): Uint8Array {
  return Buffer.concat([PNG_SIGNATURE, ihdr(width, height), pngChunk('IEND', Buffer.alloc(0))]);
}

/**
 * Builds a GIF89a with a `width` x `height` logical screen and one 1x1 black image in its
 * top-left corner. GIF allows this, and shows the background colour on the rest of the screen.
 */
export function gifBytes(width: number, height: number): Uint8Array {
  return Buffer.concat([
    ascii('GIF89a'),
    uint16le(width),
    uint16le(height),
    // Global colour table of 2 entries, background colour 0, no aspect ratio.
    Buffer.from([0x80, 0x00, 0x00]),
    Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff, 0xff]),
    // Image descriptor: position (0, 0), size 1x1, no local colour table.
    Buffer.from([0x2c]),
    uint16le(0),
    uint16le(0),
    uint16le(1),
    uint16le(1),
    Buffer.from([0x00]),
    // LZW minimum code size 2; one sub-block of 2 bytes with the codes clear (4), 0, end (5); block terminator.
    Buffer.from([0x02, 0x02, 0x44, 0x01, 0x00]),
    ascii(';'),
  ]);
}

function riffWebp(chunkType: string, chunkData: Buffer): Uint8Array {
  const padded = chunkData.byteLength % 2 === 1 ? Buffer.concat([chunkData, Buffer.alloc(1)]) : chunkData;
  const chunk = Buffer.concat([ascii(chunkType), uint32le(chunkData.byteLength), padded]);
  return Buffer.concat([ascii('RIFF'), uint32le(4 + chunk.byteLength), ascii('WEBP'), chunk]);
}

/** Builds a lossy WebP header (`VP8 ` chunk): key-frame tag, start code and 14-bit width and height. */
export function webpVp8Bytes(width: number, height: number): Uint8Array {
  const frameTag = Buffer.from([0x10, 0x02, 0x00]);
  const startCode = Buffer.from([0x9d, 0x01, 0x2a]);
  return riffWebp('VP8 ', Buffer.concat([frameTag, startCode, uint16le(width), uint16le(height), Buffer.alloc(8)]));
}

/** Builds a lossless WebP header (`VP8L` chunk): signature 0x2f, then width - 1 and height - 1 in 14 bits each. */
export function webpVp8lBytes(width: number, height: number): Uint8Array {
  const bits = ((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14);
  return riffWebp('VP8L', Buffer.concat([Buffer.from([0x2f]), uint32le(bits >>> 0), Buffer.alloc(6)]));
}

/** Builds an extended WebP header (`VP8X` chunk) with a canvas of up to 2^24 pixels per side. */
export function webpVp8xBytes(width: number, height: number): Uint8Array {
  return riffWebp('VP8X', Buffer.concat([Buffer.from([0x00, 0, 0, 0]), uint24le(width - 1), uint24le(height - 1)]));
}

/** Builds a JPEG marker segment: 0xff, the marker, a length that counts itself, and the payload. */
export function jpegSegment(marker: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0xff, marker]), uint16be(payload.byteLength + 2), payload]);
}

/** Builds a frame header (SOFn) payload: precision 8, height, width, one component. */
export function sofPayload(width: number, height: number): Buffer {
  return Buffer.concat([Buffer.from([8]), uint16be(height), uint16be(width), Buffer.from([1, 1, 0x11, 0])]);
}

export const JPEG_SOI = Buffer.from([0xff, 0xd8]);
export const JPEG_EOI = Buffer.from([0xff, 0xd9]);
export const JFIF_APP0 = jpegSegment(0xe0, Buffer.concat([ascii('JFIF\0'), Buffer.from([1, 1, 0, 0, 1, 0, 1, 0, 0])]));
const QUANTIZATION_TABLE = jpegSegment(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)]));
const HUFFMAN_TABLE = jpegSegment(0xc4, Buffer.concat([Buffer.from([0x00]), Buffer.alloc(16), Buffer.alloc(0)]));
const START_OF_SCAN = Buffer.concat([jpegSegment(0xda, Buffer.from([1, 1, 0, 0, 63, 0])), Buffer.from([0x00, 0x3f])]);

/**
 * Builds a JPEG with the usual segments in the usual order: SOI, APP0 (JFIF), DQT, DHT, SOFn, SOS, EOI.
 * `sofMarker` picks the frame type (0xc0 baseline, 0xc2 progressive); `before` inserts raw bytes after APP0.
 */
export function jpegBytes(width: number, height: number, options: { sofMarker?: number; before?: Buffer[] } = {}): Uint8Array {
  return Buffer.concat([
    JPEG_SOI,
    JFIF_APP0,
    ...(options.before ?? []),
    QUANTIZATION_TABLE,
    HUFFMAN_TABLE,
    jpegSegment(options.sofMarker ?? 0xc0, sofPayload(width, height)),
    START_OF_SCAN,
    JPEG_EOI,
  ]);
}

/**
 * A seeded stand-in for `Math.random`: the first 32 bits of SHA-256("<seed>:<call number>") as a
 * fraction. Slow next to a real generator, but fast enough for tests and free of visible patterns.
 */
export function seededRandom(seed: number): () => number {
  let calls = 0;
  return () => {
    calls += 1;
    return createHash('sha256').update(`${seed}:${calls}`).digest().readUInt32BE(0) / 2 ** 32;
  };
}
