import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { demoImagesDir, readDemoManifest } from '../../src/images/demo-images.js';
import { MAX_JPEG_SEGMENTS, readImageDimensions } from '../../src/images/dimensions.js';
import type { ImageContentType } from '../../src/images/image-type.js';
import { sniffImageType } from '../../src/images/sniff.js';
import {
  gifBytes,
  JFIF_APP0,
  JPEG_EOI,
  JPEG_SOI,
  jpegBytes,
  jpegSegment,
  pngBytes,
  pngHeaderBytes,
  sofPayload,
  webpVp8Bytes,
  webpVp8lBytes,
  webpVp8xBytes,
} from './image-bytes.js';

const comment = (text: string) => jpegSegment(0xfe, Buffer.from(text, 'latin1'));

describe('readImageDimensions', () => {
  it.each<[string, Uint8Array, ImageContentType, number, number]>([
    ['PNG 1x1', pngBytes(1, 1), 'image/png', 1, 1],
    ['PNG 300x200', pngBytes(300, 200), 'image/png', 300, 200],
    ['PNG header 100000x100000', pngHeaderBytes(100_000, 100_000), 'image/png', 100_000, 100_000],
    ['GIF 640x480 screen', gifBytes(640, 480), 'image/gif', 640, 480],
    ['GIF 65535x1', gifBytes(65_535, 1), 'image/gif', 65_535, 1],
    ['WebP VP8 1024x768', webpVp8Bytes(1024, 768), 'image/webp', 1024, 768],
    ['WebP VP8 with scaling bits', webpVp8Bytes(0xc000 | 320, 0x4000 | 240), 'image/webp', 320, 240],
    ['WebP VP8L 16384x1', webpVp8lBytes(16_384, 1), 'image/webp', 16_384, 1],
    ['WebP VP8L 3x5', webpVp8lBytes(3, 5), 'image/webp', 3, 5],
    ['WebP VP8X 5000x3000', webpVp8xBytes(5000, 3000), 'image/webp', 5000, 3000],
    ['WebP VP8X 2^24 wide', webpVp8xBytes(2 ** 24, 2), 'image/webp', 2 ** 24, 2],
    ['JPEG baseline SOF0', jpegBytes(384, 256), 'image/jpeg', 384, 256],
    ['JPEG extended SOF1', jpegBytes(100, 50, { sofMarker: 0xc1 }), 'image/jpeg', 100, 50],
    ['JPEG progressive SOF2', jpegBytes(1920, 1080, { sofMarker: 0xc2 }), 'image/jpeg', 1920, 1080],
    ['JPEG lossless SOF3', jpegBytes(7, 9, { sofMarker: 0xc3 }), 'image/jpeg', 7, 9],
    ['JPEG arithmetic SOF9', jpegBytes(64, 48, { sofMarker: 0xc9 }), 'image/jpeg', 64, 48],
    ['JPEG SOF15', jpegBytes(5, 6, { sofMarker: 0xcf }), 'image/jpeg', 5, 6],
    [
      'JPEG with DAC and JPG markers before SOF',
      jpegBytes(10, 20, { before: [jpegSegment(0xcc, Buffer.from([0x00, 0x11])), jpegSegment(0xc8, Buffer.alloc(4))] }),
      'image/jpeg',
      10,
      20,
    ],
    [
      'JPEG with a fake SOF inside an APP1 payload',
      jpegBytes(30, 40, { before: [jpegSegment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), Buffer.from([0xff, 0xc0, 0, 11]), sofPayload(1, 1)]))] }),
      'image/jpeg',
      30,
      40,
    ],
    ['JPEG with fill bytes before a marker', jpegBytes(11, 12, { before: [Buffer.from([0xff, 0xff, 0xff])] }), 'image/jpeg', 11, 12],
    [
      'JPEG with restart and TEM markers before SOF',
      jpegBytes(13, 14, { before: [Buffer.from([0xff, 0xd0, 0xff, 0x01])] }),
      'image/jpeg',
      13,
      14,
    ],
    [
      // APP0, the comments, DQT and DHT precede SOF, which is segment number MAX_JPEG_SEGMENTS.
      `JPEG with SOF as segment ${MAX_JPEG_SEGMENTS}`,
      jpegBytes(15, 16, { before: Array.from({ length: MAX_JPEG_SEGMENTS - 4 }, () => comment('x')) }),
      'image/jpeg',
      15,
      16,
    ],
  ])('reads %s', (_case, bytes, contentType, width, height) => {
    expect(readImageDimensions(bytes, contentType)).toEqual({ width, height });
  });

  it.each<[string, Uint8Array, ImageContentType]>([
    ['empty input', new Uint8Array(), 'image/png'],
    ['PNG cut inside IHDR', pngBytes(4, 4).subarray(0, 20), 'image/png'],
    ['PNG whose first chunk is not IHDR', Buffer.concat([pngBytes(1, 1).subarray(0, 12), Buffer.from('IDAT'), Buffer.alloc(13)]), 'image/png'],
    ['PNG with zero width', pngHeaderBytes(0, 10), 'image/png'],
    ['PNG wider than 2^31 - 1', pngHeaderBytes(2 ** 31, 1), 'image/png'],
    ['GIF cut inside the screen size', gifBytes(10, 10).subarray(0, 9), 'image/gif'],
    ['GIF with zero height', gifBytes(10, 0), 'image/gif'],
    ['WebP header only', webpVp8Bytes(4, 4).subarray(0, 16), 'image/webp'],
    ['WebP with an unknown first chunk', Buffer.concat([Buffer.from('RIFF\x20\0\0\0WEBPVP8Z\x0a\0\0\0', 'latin1'), Buffer.alloc(10)]), 'image/webp'],
    ['WebP VP8 without start code', Buffer.from(webpVp8Bytes(4, 4)).fill(0, 23, 26), 'image/webp'],
    ['WebP VP8L without signature', Buffer.from(webpVp8lBytes(4, 4)).fill(0, 20, 21), 'image/webp'],
    ['WebP VP8 cut inside the size', webpVp8Bytes(4, 4).subarray(0, 28), 'image/webp'],
    ['JPEG with only SOI and EOI', Buffer.concat([JPEG_SOI, JPEG_EOI]), 'image/jpeg'],
    ['JPEG scan before any frame header', Buffer.concat([JPEG_SOI, JFIF_APP0, jpegSegment(0xda, Buffer.alloc(6)), JPEG_EOI]), 'image/jpeg'],
    // SOI (2), APP0 (18), DQT (69) and DHT (21) bytes, then SOF cut after its length and 2 payload bytes.
    ['JPEG cut inside SOF', jpegBytes(8, 8).subarray(0, 2 + 18 + 69 + 21 + 6), 'image/jpeg'],
    ['JPEG with a segment running past the end', Buffer.concat([JPEG_SOI, Buffer.from([0xff, 0xe0, 0x40, 0x00, 1, 2])]), 'image/jpeg'],
    ['JPEG with a segment length below 2', Buffer.concat([JPEG_SOI, Buffer.from([0xff, 0xe0, 0x00, 0x01]), jpegSegment(0xc0, sofPayload(5, 5))]), 'image/jpeg'],
    ['JPEG with data where a marker belongs', Buffer.concat([JPEG_SOI, JFIF_APP0, Buffer.from([0x12, 0x34]), jpegSegment(0xc0, sofPayload(5, 5))]), 'image/jpeg'],
    ['JPEG with zero height (DNL)', jpegBytes(8, 0), 'image/jpeg'],
    ['JPEG of only fill bytes', Buffer.concat([JPEG_SOI, Buffer.alloc(100, 0xff)]), 'image/jpeg'],
    [
      `JPEG with SOF as segment ${MAX_JPEG_SEGMENTS + 1}`,
      jpegBytes(15, 16, { before: Array.from({ length: MAX_JPEG_SEGMENTS - 3 }, () => comment('x')) }),
      'image/jpeg',
    ],
  ])('returns undefined for %s', (_case, bytes, contentType) => {
    expect(readImageDimensions(bytes, contentType)).toBeUndefined();
  });

  it('reads a view into a larger buffer', () => {
    const padded = Buffer.concat([Buffer.alloc(7, 0xaa), pngBytes(21, 34), Buffer.alloc(5)]);
    const view = new Uint8Array(padded.buffer, padded.byteOffset + 7, padded.byteLength - 12);

    expect(readImageDimensions(view, 'image/png')).toEqual({ width: 21, height: 34 });
  });
});

const demoManifest = await readDemoManifest();

describe('readImageDimensions on demo images', () => {
  it.each(demoManifest.map((entry) => [entry.file]))('%s is a 384x384 JPEG', (file) => {
    const bytes = readFileSync(join(demoImagesDir(), file));

    expect(sniffImageType(bytes)?.contentType).toBe('image/jpeg');
    expect(readImageDimensions(bytes, 'image/jpeg')).toEqual({ width: 384, height: 384 });
  });
});
