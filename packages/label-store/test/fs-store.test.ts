import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, expect, it } from 'vitest';

import { FsStore } from '../src/fs-store.js';
import { describeObjectStoreContract, readStream } from './object-store-contract.js';

let parent: string;
let storeCount = 0;

beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), 'hotdog-fs-contract-'));
});

afterAll(async () => {
  await rm(parent, { recursive: true, force: true });
});

/** Open file descriptors of this process; Linux only, elsewhere the check is left out. */
const countOpenFds = existsSync('/proc/self/fd') ? async () => (await readdir('/proc/self/fd')).length : undefined;

describeObjectStoreContract(
  'FsStore',
  () => {
    storeCount += 1;
    return new FsStore(join(parent, `store-${storeCount}`));
  },
  { countOpenResources: countOpenFds },
);

it('FsStore getStream keeps the opened version', async () => {
  const store = new FsStore(join(parent, 'opened-version'));
  const first = await store.put('a.txt', 'version 1');

  const opened = await store.getStream('a.txt');
  const second = await store.put('a.txt', 'version 2, longer');

  expect(opened?.info.etag).toBe(first.etag);
  expect(opened?.info.size).toBe(9);
  expect(new TextDecoder().decode(await readStream(opened!.body))).toBe('version 1');
  expect((await store.head('a.txt'))?.etag).toBe(second.etag);
});

it('FsStore getStream hashes content without a current metadata file', async () => {
  const store = new FsStore(join(parent, 'no-metadata'));
  const { etag } = await store.put('b.txt', 'hash me');
  await rm(join(store.root, '.b.txt.meta~'));

  const opened = await store.getStream('b.txt');

  expect(opened?.info.etag).toBe(etag);
  expect(new TextDecoder().decode(await readStream(opened!.body))).toBe('hash me');
});
