import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, inject } from 'vitest';

import { FsStore } from '../../src/fs-store.js';
import { MemoryStore } from '../../src/memory-store.js';
import { S3Store } from '../../src/s3-store.js';
import { createTestBucket, deleteTestBucket, makeTestS3Client } from '../../../../test-support/s3-test-utils.js';
import { describeStoreImage } from './store-image-cases.js';

const endpoint = inject('s3Endpoint');
const client = makeTestS3Client(endpoint);
let bucket: string;
let parent: string;
let storeCount = 0;

beforeAll(async () => {
  bucket = await createTestBucket(endpoint, 'images');
  parent = await mkdtemp(join(tmpdir(), 'hotdog-images-'));
});

afterAll(async () => {
  await deleteTestBucket(endpoint, bucket);
  client.destroy();
  await rm(parent, { recursive: true, force: true });
});

describeStoreImage('MemoryStore', () => new MemoryStore());

describeStoreImage('FsStore', () => {
  storeCount += 1;
  return new FsStore(join(parent, `store-${storeCount}`));
});

// Each test gets its own prefix in the run's bucket, so every test starts with no images.
describeStoreImage('S3Store', () => {
  storeCount += 1;
  return new S3Store({ bucket, prefix: `images-${storeCount}`, client });
});
