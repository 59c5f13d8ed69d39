import { join, resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

import { InvalidStorageUrlError, STORAGE_URL_FORMS } from '../src/errors/invalid-storage-url-error.js';
import { FsStore } from '../src/fs-store.js';
import { MemoryStore } from '../src/memory-store.js';
import { openStore } from '../src/open-store.js';
import { S3Store } from '../src/s3-store.js';
import { makeTestS3Client } from '../../../test-support/s3-test-utils.js';

describe('openStore', () => {
  it('memory: opens a MemoryStore', () => {
    expect(openStore('memory:')).toBeInstanceOf(MemoryStore);
  });

  it('fs: resolves a relative folder against the working directory', () => {
    const store = openStore('fs:./data');

    expect(store).toBeInstanceOf(FsStore);
    expect((store as FsStore).root).toBe(resolve(process.cwd(), 'data'));
    expect(store.description).toBe(`fs:${join(process.cwd(), 'data')}`);
  });

  it('fs: keeps an absolute folder', () => {
    expect((openStore('fs:/var/lib/hotdog') as FsStore).root).toBe('/var/lib/hotdog');
  });

  it('s3: parses bucket and prefix', () => {
    const client = makeTestS3Client('http://127.0.0.1:9');
    const store = openStore('s3://hotdog-labels/team-a/v1', { s3Client: client }) as S3Store;

    expect(store).toBeInstanceOf(S3Store);
    expect(store.bucket).toBe('hotdog-labels');
    expect(store.prefix).toBe('team-a/v1/');
    expect(store.client).toBe(client);
    client.destroy();
  });

  it('s3: bucket without prefix', async () => {
    const store = openStore('s3://hotdog-labels', { s3Endpoint: 'http://127.0.0.1:9', region: 'eu-west-1' }) as S3Store;

    expect(store.prefix).toBe('');
    expect(store.description).toBe('s3://hotdog-labels/');
    expect(await store.client.config.region()).toBe('eu-west-1');
    store.destroy();
  });

  it.each([
    ['empty', ''],
    ['unknown scheme', 'gs://bucket'],
    ['memory with a path', 'memory:/x'],
    ['fs without a folder', 'fs:'],
    ['s3 without a bucket', 's3://'],
    ['upper-case bucket', 's3://Labels'],
    ['short bucket', 's3://ab'],
    ['empty prefix segment', 's3://bucket//x'],
    ['a plain path', './data'],
  ])('rejects %s', (_case, url) => {
    expect(() => openStore(url)).toThrow(InvalidStorageUrlError);
    try {
      openStore(url);
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_STORAGE_URL', url });
      expect((error as Error).message).toContain(JSON.stringify(url));
      expect((error as Error).message).toContain(STORAGE_URL_FORMS);
    }
  });
});
