import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { demoImagesDir } from '../../src/images/demo-images.js';
import { sniffImageType } from '../../src/images/sniff.js';
import { gifBytes, jpegBytes, pngBytes, webpVp8Bytes, webpVp8lBytes, webpVp8xBytes } from './image-bytes.js';

const text = (value: string) => new TextEncoder().encode(value);
const demoJpeg = readFileSync(join(demoImagesDir(), 'hotdog-01.jpg'));

describe('sniffImageType', () => {
  it.each([
    ['demo JPEG (JFIF)', demoJpeg, 'image/jpeg', 'jpg'],
    ['built JPEG', jpegBytes(8, 8), 'image/jpeg', 'jpg'],
    ['JPEG with EXIF APP1 first', Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x10, ...text('Exif')]), 'image/jpeg', 'jpg'],
    ['PNG', pngBytes(2, 2), 'image/png', 'png'],
    ['GIF89a', gifBytes(1, 1), 'image/gif', 'gif'],
    ['GIF87a', Buffer.concat([text('GIF87a'), Buffer.alloc(7)]), 'image/gif', 'gif'],
    ['lossy WebP', webpVp8Bytes(4, 4), 'image/webp', 'webp'],
    ['lossless WebP', webpVp8lBytes(4, 4), 'image/webp', 'webp'],
    ['extended WebP', webpVp8xBytes(4, 4), 'image/webp', 'webp'],
  ])('recognises %s', (_case, bytes, contentType, extension) => {
    expect(sniffImageType(bytes)).toEqual({ contentType, extension });
  });

  it.each([
    ['empty', new Uint8Array()],
    ['SVG with XML declaration', text('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['bare SVG', text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>')],
    ['HTML', text('<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>')],
    ['PDF', text('%PDF-1.7\n%âãÏÓ\n1 0 obj')],
    ['plain text', text('hot dog, mustard, relish\n')],
    ['BMP', Buffer.concat([text('BM'), Buffer.alloc(30)])],
    ['RIFF WAVE audio', Buffer.concat([text('RIFF'), Buffer.alloc(4), text('WAVEfmt ')])],
    ['PNG signature cut short', pngBytes(1, 1).subarray(0, 7)],
    ['JPEG SOI without a next marker', Buffer.from([0xff, 0xd8])],
    ['RIFF without form type', text('RIFF\0\0\0\0WEB')],
    ['GIF with unknown version', Buffer.concat([text('GIF88a'), Buffer.alloc(7)])],
    ['PNG signature after a leading space', Buffer.concat([text(' '), pngBytes(1, 1)])],
  ])('rejects %s', (_case, bytes) => {
    expect(sniffImageType(bytes)).toBeUndefined();
  });

  it('ignores bytes after the signature', () => {
    const png = pngBytes(1, 1);
    const withTrailingHtml = Buffer.concat([png.subarray(0, 8), text('<html>')]);

    expect(sniffImageType(withTrailingHtml)?.contentType).toBe('image/png');
  });
});
