import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll } from 'vitest';

import { FsStore } from '../src/fs-store.js';
import { describeObjectStoreContract } from './object-store-contract.js';

let parent: string;
let storeCount = 0;

beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), 'hotdog-fs-contract-'));
});

afterAll(async () => {
  await rm(parent, { recursive: true, force: true });
});

describeObjectStoreContract('FsStore', () => {
  storeCount += 1;
  return new FsStore(join(parent, `store-${storeCount}`));
});
