import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeEach, describe, expect, it } from 'vitest';

import type { ObjectStore } from '../../src/object-store.js';
import { demoImagesDir } from '../../src/images/demo-images.js';
import { decodeImageMetadata } from '../../src/images/image-metadata.js';
import { ImageUploadError } from '../../src/images/image-upload-error.js';
import { storeImage, type StoreImageOptions } from '../../src/images/store-image.js';
import { listAll } from '../object-store-contract.js';
import { jpegBytes, pngBytes, pngHeaderBytes } from './image-bytes.js';

const IMAGE_KEY = /^images\/[0-9a-f]{64}\.(jpg|png|webp|gif)$/;
const text = (value: string) => new TextEncoder().encode(value);

/** Yields `bytes` in chunks of `chunkSize`, as an upload stream would. */
async function* chunksOf(bytes: Uint8Array, chunkSize = 1024): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += chunkSize) yield bytes.subarray(offset, offset + chunkSize);
}

/** Creates an upload of up to `maxChunks` chunks that records how many were read and whether it was closed. */
function trackedUpload(firstChunk: Uint8Array, chunkSize: number, maxChunks: number) {
  const progress = { chunksRead: 0, closed: false };
  async function* generate(): AsyncGenerator<Uint8Array> {
    try {
      for (let index = 0; index < maxChunks; index++) {
        progress.chunksRead += 1;
        yield index === 0 ? firstChunk : new Uint8Array(chunkSize);
      }
    } finally {
      progress.closed = true;
    }
  }
  return { source: generate(), progress };
}

async function upload(store: ObjectStore, bytes: Uint8Array, options: Partial<StoreImageOptions> = {}) {
  return storeImage(store, chunksOf(bytes), { uploader: 'ann', ...options });
}

async function rejection(promise: Promise<unknown>): Promise<ImageUploadError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImageUploadError);
  return error as ImageUploadError;
}

/**
 * Defines the `storeImage` cases that every backend must pass. `makeStore` is called before each
 * test and must return an empty store.
 */
export function describeStoreImage(name: string, makeStore: () => ObjectStore | Promise<ObjectStore>): void {
  describe(`storeImage on ${name}`, () => {
    let store: ObjectStore;

    beforeEach(async () => {
      store = await makeStore();
    });

    it('accepts a PNG', async () => {
      const bytes = pngBytes(30, 20);

      const stored = await upload(store, bytes, { fileName: 'cat.png' });

      const id = createHash('sha256').update(bytes).digest('hex');
      expect(stored).toEqual({ id, key: `images/${id}.png`, contentType: 'image/png', width: 30, height: 20, size: bytes.byteLength, created: true });
      const info = await store.head(stored.key);
      expect(info?.contentType).toBe('image/png');
      expect(info?.metadata).toEqual({ uploader: 'ann', 'original-name': 'cat.png' });
      expect((await store.get(stored.key))?.body).toEqual(new Uint8Array(bytes));
    });

    it('accepts a JPEG', async () => {
      const bytes = readFileSync(join(demoImagesDir(), 'hotdog-01.jpg'));

      const stored = await upload(store, bytes, { fileName: 'hotdog-01.jpg' });

      expect(stored.key).toBe(`images/${stored.id}.jpg`);
      expect(stored.contentType).toBe('image/jpeg');
      expect([stored.width, stored.height]).toEqual([384, 384]);
      expect(stored.size).toBe(bytes.byteLength);
      expect((await store.head(stored.key))?.contentType).toBe('image/jpeg');
    });

    it('same content twice is stored once', async () => {
      const bytes = pngBytes(5, 5);

      const first = await upload(store, bytes, { fileName: 'first.png' });
      const second = await upload(store, bytes, { uploader: 'bob', fileName: 'second.png' });

      expect(first.created).toBe(true);
      expect(second.created).toBe(false);
      expect(second.key).toBe(first.key);
      expect((await listAll(store, 'images/')).map((info) => info.key)).toEqual([first.key]);
      expect(decodeImageMetadata((await store.head(first.key))?.metadata)).toEqual({ uploader: 'ann', originalName: 'first.png' });
    });

    it('concurrent uploads of one image create it once', async () => {
      const bytes = pngBytes(6, 6);

      const results = await Promise.all([1, 2, 3].map((index) => upload(store, bytes, { uploader: `user-${index}` })));

      expect(results.filter((result) => result.created)).toHaveLength(1);
      expect(await listAll(store, 'images/')).toHaveLength(1);
    });

    it('accepts a file of exactly maxBytes', async () => {
      const bytes = pngBytes(3, 3);

      const stored = await upload(store, bytes, { maxBytes: bytes.byteLength });

      expect(stored.size).toBe(bytes.byteLength);
    });

    it('over-limit file stops the read', async () => {
      const firstChunk = pngBytes(1, 1);
      const { source, progress } = trackedUpload(firstChunk, 100, 1_000);

      const error = await rejection(storeImage(store, source, { uploader: 'ann', fileName: 'big.png', maxBytes: 1_000 }));

      expect(error.code).toBe('FILE_TOO_LARGE');
      expect(error.status).toBe(413);
      expect(error.details).toEqual({ maxBytes: 1_000 });
      expect(error.message).toContain('"big.png"');
      expect(error.message).toContain('1000 bytes');
      // The PNG, then as many 100-byte chunks as fit under the limit, then the one that crosses it.
      const chunksUnderLimit = 1 + Math.floor((1_000 - firstChunk.byteLength) / 100);
      expect(progress.chunksRead).toBe(chunksUnderLimit + 1);
      expect(progress.closed).toBe(true);
      expect(await listAll(store, 'images/')).toEqual([]);
    });

    it('zero bytes is EMPTY_FILE', async () => {
      const error = await rejection(upload(store, new Uint8Array(), { fileName: 'empty.png' }));

      expect(error.code).toBe('EMPTY_FILE');
      expect(error.status).toBe(400);
      expect(error.message).toContain('"empty.png"');
    });

    it.each([
      ['SVG declared as PNG', 'cat.png', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
      ['SVG with XML declaration', 'dog.png', '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'],
      ['HTML', 'index.png', '<!DOCTYPE html><html><body>hi</body></html>'],
      ['text file named .jpg', 'notes.jpg', 'hot dog, mustard\n'],
      ['PDF named .gif', 'doc.gif', '%PDF-1.7\n1 0 obj\n'],
    ])('rejects %s', async (_case, fileName, content) => {
      const error = await rejection(upload(store, text(content), { fileName }));

      expect(error.code).toBe('UNSUPPORTED_IMAGE_TYPE');
      expect(error.status).toBe(415);
      expect(error.fileName).toBe(fileName);
      expect(error.message).toContain(JSON.stringify(fileName));
      expect(await listAll(store, 'images/')).toEqual([]);
    });

    it('rejects too many pixels', async () => {
      const error = await rejection(upload(store, pngHeaderBytes(100_000, 100_000), { fileName: 'bomb.png' }));

      expect(error.code).toBe('IMAGE_DIMENSIONS_TOO_LARGE');
      expect(error.status).toBe(422);
      expect(error.details).toEqual({ width: 100_000, height: 100_000, pixels: 10_000_000_000, maxPixels: 40_000_000 });
      expect(error.message).toContain('100000x100000');
      expect(await listAll(store, 'images/')).toEqual([]);
    });

    it('maxPixels is inclusive', async () => {
      const bytes = pngBytes(30, 20);

      await expect(upload(store, bytes, { maxPixels: 599 })).rejects.toMatchObject({ code: 'IMAGE_DIMENSIONS_TOO_LARGE' });
      await expect(upload(store, bytes, { maxPixels: 600 })).resolves.toMatchObject({ created: true });
    });

    it.each([
      ['PNG signature with garbage', Buffer.concat([pngBytes(1, 1).subarray(0, 8), text('not a chunk at all')]), 'image/png'],
      ['JPEG without a frame header', Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02, 0xff, 0xd9]), 'image/jpeg'],
      ['JPEG claiming height 0', jpegBytes(10, 0), 'image/jpeg'],
    ])('rejects %s as INVALID_IMAGE', async (_case, bytes, contentType) => {
      const error = await rejection(upload(store, bytes, { fileName: 'broken' }));

      expect(error.code).toBe('INVALID_IMAGE');
      expect(error.status).toBe(422);
      expect(error.details).toEqual({ contentType });
    });

    it.each([
      ['../x.png', 'x.png'],
      ['..\\a.png', 'a.png'],
      ['%2e%2e%2fa.png', 'a.png'],
      ['名前.png', '名前.png'],
      ['/etc/passwd', 'passwd'],
      ['..', ''],
      ['../../images/0000.png', '0000.png'],
    ])('file name %s never reaches the key', async (fileName, originalName) => {
      // Distinct content per case, so that each upload creates its own object with this name.
      const bytes = pngBytes(7, 7, fileName.length);

      const stored = await upload(store, bytes, { fileName });

      expect(stored.key).toMatch(IMAGE_KEY);
      expect(stored.key).toBe(`images/${stored.id}.png`);
      expect((await listAll(store, '')).map((info) => info.key)).toEqual([stored.key]);
      const metadata = (await store.head(stored.key))?.metadata ?? {};
      expect(decodeImageMetadata(metadata).originalName).toBe(originalName);
      expect(metadata['original-name']).toBe(originalName === '' ? undefined : encodeURIComponent(originalName));
    });

    it('error message shows the sanitized name', async () => {
      const error = await rejection(upload(store, text('<svg/>'), { fileName: '../../evil\u0000.png' }));

      expect(error.fileName).toBe('evil.png');
      expect(error.message).toContain('"evil.png"');
      expect(error.message).not.toContain('..');
    });

    it('error message without a file name', async () => {
      const error = await rejection(upload(store, new Uint8Array()));

      expect(error.fileName).toBe('');
      expect(error.message).toContain('sent without a name');
    });

    it.each([
      ['empty uploader', { uploader: '' }, 'uploader'],
      ['zero maxBytes', { maxBytes: 0 }, 'maxBytes'],
      ['fractional maxPixels', { maxPixels: 1.5 }, 'maxPixels'],
    ])('rejects %s', async (_case, options, argument) => {
      await expect(upload(store, pngBytes(1, 1), options)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument });
    });
  });
}
