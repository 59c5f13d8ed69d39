import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { MemoryStore } from '../../src/memory-store.js';
import { S3Store } from '../../src/s3-store.js';
import { ImageCatalog } from '../../src/images/catalog.js';
import { DEMO_UPLOADER, demoImagesDir, parseDemoManifest, readDemoManifest, seedDemoImages } from '../../src/images/demo-images.js';
import { readDemoGoldLabels } from '../../src/images/demo-gold.js';
import { decodeImageMetadata } from '../../src/images/image-metadata.js';
import { createTestBucket, deleteTestBucket, makeTestS3Client } from '../../../../test-support/s3-test-utils.js';
import { listAll } from '../object-store-contract.js';

const endpoint = inject('s3Endpoint');
const client = makeTestS3Client(endpoint);
let bucket: string;

beforeAll(async () => {
  bucket = await createTestBucket(endpoint, 'demo');
});

afterAll(async () => {
  await deleteTestBucket(endpoint, bucket);
  client.destroy();
});

describe('demo images folder', () => {
  it('demoImagesDir finds the package folder', () => {
    const dir = demoImagesDir();

    expect(basename(dir)).toBe('demo-images');
    expect(existsSync(join(dir, 'manifest.csv'))).toBe(true);
    expect(readFileSync(join(dir, 'ATTRIBUTION.md'), 'utf8')).toContain('CC0');
  });

  it('package ships the folder', () => {
    const manifest = JSON.parse(readFileSync(join(demoImagesDir(), '..', 'package.json'), 'utf8')) as { files: string[] };

    expect(manifest.files).toContain('demo-images');
  });

  it('manifest lists 24 images, 12 hot dogs', async () => {
    const manifest = await readDemoManifest();

    expect(manifest).toHaveLength(24);
    expect(manifest.filter((entry) => entry.truth === 1)).toHaveLength(12);
    expect(manifest.filter((entry) => entry.truth === 0)).toHaveLength(12);
    expect(manifest[0]).toEqual({ file: 'hotdog-01.jpg', truth: 1 });
    for (const entry of manifest) expect(existsSync(join(demoImagesDir(), entry.file))).toBe(true);
  });
});

describe('parseDemoManifest', () => {
  it('reads rows and ignores blank lines and CRLF', () => {
    expect(parseDemoManifest('file,truth\r\na.jpg,1\r\n\r\nb.jpg,0\r\n', 'm.csv')).toEqual([
      { file: 'a.jpg', truth: 1 },
      { file: 'b.jpg', truth: 0 },
    ]);
  });

  it.each([
    ['wrong header', 'name,label\na.jpg,1\n', 1],
    ['truth other than 0 or 1', 'file,truth\na.jpg,2\n', 2],
    ['missing truth', 'file,truth\na.jpg\n', 2],
    ['extra column', 'file,truth\na.jpg,1,x\n', 2],
    ['path in the file name', 'file,truth\na.jpg,1\n../secret.jpg,1\n', 3],
    ['file listed twice', 'file,truth\na.jpg,1\na.jpg,0\n', 3],
  ])('rejects %s', (_case, text, line) => {
    expect(() => parseDemoManifest(text, 'm.csv')).toThrow(
      expect.objectContaining({ code: 'INVALID_DEMO_MANIFEST', path: 'm.csv', message: expect.stringContaining(`m.csv, line ${line}:`) }),
    );
  });
});

describe('seedDemoImages', () => {
  it('seeds S3 once', async () => {
    const store = new S3Store({ bucket, prefix: 'seed-twice', client });
    const catalog = new ImageCatalog(store);

    const first = await seedDemoImages(store, { catalog });
    const second = await seedDemoImages(store);

    expect([first.added, first.existing]).toEqual([24, 0]);
    expect([second.added, second.existing]).toEqual([0, 24]);
    const listed = await listAll(store, 'images/');
    expect(listed).toHaveLength(24);
    expect(listed.every((info) => /^images\/[0-9a-f]{64}\.jpg$/.test(info.key))).toBe(true);
    expect(catalog.size).toBe(24);
    expect(second.images.map((seeded) => seeded.image.id)).toEqual(first.images.map((seeded) => seeded.image.id));
    expect(first.images.filter((seeded) => seeded.truth === 1)).toHaveLength(12);

    const hotdog = first.images.find((seeded) => seeded.file === 'hotdog-01.jpg');
    const info = await store.head(hotdog!.image.key);
    expect(info?.contentType).toBe('image/jpeg');
    expect(decodeImageMetadata(info?.metadata)).toEqual({ uploader: DEMO_UPLOADER, originalName: 'hotdog-01.jpg' });
  });

  it('seeds a memory store with 24 distinct images', async () => {
    const store = new MemoryStore();

    const result = await seedDemoImages(store);

    expect(result.added).toBe(24);
    expect(new Set(result.images.map((seeded) => seeded.image.id)).size).toBe(24);
    expect(result.images.every((seeded) => seeded.image.width === 384 && seeded.image.height === 384)).toBe(true);
  });

  it('catalog refresh finds seeded images', async () => {
    const store = new MemoryStore();
    await seedDemoImages(store);
    const catalog = new ImageCatalog(store);

    await catalog.refresh();

    expect(catalog.size).toBe(24);
    expect(catalog.list().every((image) => image.contentType === 'image/jpeg')).toBe(true);
  });
});

describe('readDemoGoldLabels', () => {
  it('maps the seeded ids to the manifest truth', async () => {
    const seeded = await seedDemoImages(new MemoryStore());

    const gold = await readDemoGoldLabels();

    expect(gold.size).toBe(24);
    expect([...gold.values()].filter((label) => label === 1)).toHaveLength(12);
    for (const entry of seeded.images) {
      expect(gold.get(entry.image.id), entry.file).toBe(entry.truth);
    }
  });
});
