import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { InvalidKeyError } from '../src/errors/invalid-key-error.js';
import { FsStore } from '../src/fs-store.js';
import { contentEtag } from '../src/etag.js';
import { listAll } from './object-store-contract.js';

let parent: string;
let root: string;
let store: FsStore;

beforeEach(async () => {
  parent = await mkdtemp(join(tmpdir(), 'hotdog-fs-layout-'));
  root = join(parent, 'root');
  store = new FsStore(root);
});

afterEach(async () => {
  await rm(parent, { recursive: true, force: true });
});

describe('FsStore keys', () => {
  it.each([
    ['parent segment', '../x'],
    ['nested parent segment', 'a/../../x'],
    ['absolute path', '/etc/passwd'],
    ['backslash', 'a\\b'],
    ['backslash parent', '..\\x'],
    ['empty', ''],
    ['empty segment', 'a//b'],
    ['NUL', 'a\u0000b'],
    ['temp file name', 'a/.b.123.abcd.tmp~'],
    ['lock file name', 'a/.b.lock~'],
    ['reserved folder name', 'backup~/b'],
    ['over-long segment', 'x'.repeat(201)],
  ])('rejects %s', async (_case, key) => {
    await expect(store.put(key, 'x')).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(store.get(key)).rejects.toBeInstanceOf(InvalidKeyError);
    // Nothing was written anywhere, inside or outside the root.
    expect(await readdir(parent)).toEqual([]);
  });

  it('object and folder of one name conflict', async () => {
    await store.put('a', 'file');
    await store.put('b/c', 'nested');

    await expect(store.put('a/b', 'x')).rejects.toMatchObject({ code: 'INVALID_KEY', key: 'a/b' });
    await expect(store.put('b', 'x')).rejects.toMatchObject({ code: 'INVALID_KEY', key: 'b' });
    expect(await store.get('b')).toBeUndefined();
  });
});

describe('FsStore layout', () => {
  it('stores the body as a plain file', async () => {
    await store.put('labels/labels.csv', 'image,label\n', { contentType: 'text/csv', metadata: { rows: '1' } });

    expect(await readFile(join(root, 'labels', 'labels.csv'), 'utf8')).toBe('image,label\n');
    const metadataFile = JSON.parse(await readFile(join(root, 'labels', '.labels.csv.meta~'), 'utf8'));
    expect(metadataFile.contentType).toBe('text/csv');
    expect(metadataFile.metadata).toEqual({ rows: '1' });
  });

  it('default content type', async () => {
    await store.put('plain.bin', 'x');

    expect((await store.head('plain.bin'))?.contentType).toBe('application/octet-stream');
  });

  it('leaves no temp or lock files', async () => {
    await store.put('a/b.txt', '1');
    await store.put('a/b.txt', '2', { ifMatch: contentEtag(new TextEncoder().encode('1')) });

    expect((await readdir(join(root, 'a'))).sort()).toEqual(['.b.txt.meta~', 'b.txt']);
  });

  it('list skips internal files', async () => {
    await store.put('dir/real.txt', 'x');
    await writeFile(join(root, 'dir', '.real.txt.123.deadbeef.tmp~'), 'half-written');
    await writeFile(join(root, 'dir', 'editor-backup.txt~'), 'backup');

    expect((await listAll(store, '')).map((info) => info.key)).toEqual(['dir/real.txt']);
  });

  it('list sorts names below "/" before folders', async () => {
    const expected = ['sort/a b', 'sort/a-b', 'sort/a.b', 'sort/a/c', 'sort/a0'];
    for (const key of [...expected].reverse()) await store.put(key, 'x');

    expect((await listAll(store, 'sort/')).map((info) => info.key)).toEqual(expected);
  });

  it('list of escaping prefix is empty', async () => {
    await mkdir(join(parent, 'outside'), { recursive: true });
    await writeFile(join(parent, 'outside', 'secret.txt'), 'x');
    await store.put('inside.txt', 'x');

    expect(await listAll(store, '../outside/')).toEqual([]);
    expect(await listAll(store, '../')).toEqual([]);
  });

  it('delete removes empty folders', async () => {
    await store.put('deep/er/est.txt', 'x');
    await store.put('deep/keep.txt', 'x');
    await store.delete('deep/er/est.txt');

    expect(await readdir(join(root, 'deep'))).toEqual(expect.arrayContaining(['keep.txt']));
    await expect(stat(join(root, 'deep', 'er'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('etag follows content changed outside the store', async () => {
    await store.put('edited.txt', 'before');
    await writeFile(join(root, 'edited.txt'), 'after, edited by hand');

    const expected = contentEtag(new TextEncoder().encode('after, edited by hand'));
    expect((await store.head('edited.txt'))?.etag).toBe(expected);
    expect((await listAll(store, 'edited'))[0]?.etag).toBe(expected);
    expect((await store.get('edited.txt'))?.etag).toBe(expected);
  });
});

describe('FsStore lock', () => {
  const lockPath = () => join(root, 'locked', '.key.txt.lock~');

  async function writeLock(owner: object): Promise<void> {
    await mkdir(dirname(lockPath()), { recursive: true });
    await writeFile(lockPath(), JSON.stringify(owner));
  }

  it('breaks lock of dead process', async () => {
    // A PID that just exited is free, so the lock file names a dead holder.
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    await writeLock({ pid: deadPid, hostname: hostname(), token: 'dead', createdAt: Date.now() });

    await store.put('locked/key.txt', 'written');

    expect(new TextDecoder().decode((await store.get('locked/key.txt'))?.body)).toBe('written');
    await expect(stat(lockPath())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('breaks lock older than the stale limit', async () => {
    await writeLock({ pid: process.pid, hostname: hostname(), token: 'old', createdAt: Date.now() - 60_000 });

    await expect(store.put('locked/key.txt', 'written')).resolves.toHaveProperty('etag');
  });

  it('waits for a live lock', async () => {
    await writeLock({ pid: process.pid, hostname: hostname(), token: 'live', createdAt: Date.now() });
    let settled = false;

    const put = store.put('locked/key.txt', 'after release').then((result) => {
      settled = true;
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(settled).toBe(false);

    await rm(lockPath());
    await put;
    expect(new TextDecoder().decode((await store.get('locked/key.txt'))?.body)).toBe('after release');
  });
});
