import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll } from 'vitest';

import { FsStore } from '../../src/fs-store.js';
import { describeLabelFileContract } from './label-file-contract.js';

let root: string;
let storeCount = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hotdog-label-file-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describeLabelFileContract('FsStore', () => {
  storeCount += 1;
  return new FsStore(join(root, `store-${storeCount}`));
});
