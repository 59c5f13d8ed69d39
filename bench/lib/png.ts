import { crc32 } from 'node:zlib';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/**
 * Builds a PNG of `width` x `height` grey pixels with a `tEXt` chunk that holds `label`, so
 * that every label gives different bytes (and so a different image id), and with `padding` more
 * bytes in a private ancillary chunk (`bnCh`) to reach a file size. Decoders skip both chunks.
 */
export function makePng(label: string, width = 8, height = 8, padding = 0): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // grey
  // Each scanline is a filter byte 0 and `width` grey bytes. The image data is one zlib stream
  // with a single stored (uncompressed) deflate block, which needs no compressor.
  const raw = Buffer.alloc(height * (width + 1), 0x80);
  for (let row = 0; row < height; row++) raw[row * (width + 1)] = 0;
  const stored = Buffer.concat([Buffer.from([0x78, 0x01, 0x01]), lengthPair(raw.length), raw, adler32(raw)]);

  const parts = [PNG_SIGNATURE, chunk('IHDR', header), chunk('tEXt', Buffer.from(`Comment\0${label}`, 'latin1'))];
  if (padding > 0) parts.push(chunk('bnCh', Buffer.alloc(padding, label.length % 251)));
  parts.push(chunk('IDAT', stored), chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

/** LEN and NLEN of a stored deflate block, little-endian. */
function lengthPair(length: number): Buffer {
  if (length > 0xffff) throw new Error('makePng keeps the pixel data under 64 KiB');
  const buffer = Buffer.alloc(4);
  buffer.writeUInt16LE(length, 0);
  buffer.writeUInt16LE(~length & 0xffff, 2);
  return buffer;
}

function adler32(data: Buffer): Buffer {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(((b << 16) | a) >>> 0);
  return buffer;
}
