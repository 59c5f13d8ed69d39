import { once } from 'node:events';
import type { Readable } from 'node:stream';

import { beforeEach, describe, expect, it } from 'vitest';

import { InvalidKeyError } from '../src/errors/invalid-key-error.js';
import { PreconditionFailedError } from '../src/errors/precondition-failed-error.js';
import type { ObjectInfo, ObjectStore } from '../src/object-store.js';

/** Collects a whole listing into an array. */
export async function listAll(store: ObjectStore, prefix: string, pageSize?: number): Promise<ObjectInfo[]> {
  const listed: ObjectInfo[] = [];
  for await (const info of store.list(prefix, pageSize === undefined ? undefined : { pageSize })) listed.push(info);
  return listed;
}

/** Reads a stream to its end. */
export async function readStream(body: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

/** Destroys a stream and waits until it has released its resource and emitted `close`. */
async function destroyAndWait(body: Readable): Promise<void> {
  if (body.closed) return;
  const closed = once(body, 'close');
  body.destroy();
  await closed;
}

/** Rejects when `promise` has not settled within `ms`, so a leaked connection fails the test instead of hanging it. */
async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Streams opened and destroyed in the early-destroy case. It must exceed the connection pool of
 * the S3 client under test, so that a connection kept by a destroyed stream blocks the next request.
 */
export const EARLY_DESTROY_ROUNDS = 6;

/** Backend-specific probes for the shared contract. */
export interface ObjectStoreContractOptions {
  /** Counts the resources that an open stream holds (such as file descriptors), to check that destroy releases them. */
  countOpenResources?: () => number | Promise<number>;
}

const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));

/**
 * Defines the behaviour that every `ObjectStore` backend must share. `makeStore` is called
 * before each test and must return an empty store.
 */
export function describeObjectStoreContract(
  name: string,
  makeStore: () => ObjectStore | Promise<ObjectStore>,
  options: ObjectStoreContractOptions = {},
): void {
  describe(`${name} ObjectStore contract`, () => {
    let store: ObjectStore;

    beforeEach(async () => {
      store = await makeStore();
    });

    it('get and head of missing key return undefined', async () => {
      expect(await store.get('missing/key.txt')).toBeUndefined();
      expect(await store.head('missing/key.txt')).toBeUndefined();
    });

    it('binary body round trip', async () => {
      const body = Uint8Array.from({ length: 256 }, (_, index) => index);
      const { etag } = await store.put('data/all-bytes.bin', body, {
        contentType: 'application/x-test',
        metadata: { origin: 'contract-test', 'label-count': '3' },
      });

      const stored = await store.get('data/all-bytes.bin');
      expect(stored?.body).toEqual(body);
      expect(stored?.key).toBe('data/all-bytes.bin');
      expect(stored?.etag).toBe(etag);
      expect(stored?.size).toBe(256);
      expect(stored?.contentType).toBe('application/x-test');
      expect(stored?.metadata).toEqual({ origin: 'contract-test', 'label-count': '3' });
      expect(stored?.lastModified).toBeInstanceOf(Date);
    });

    it('string body round trip as UTF-8', async () => {
      const body = 'hot dog 🌭, naïve café\n';
      await store.put('data/text.txt', body, { contentType: 'text/plain' });

      const stored = await store.get('data/text.txt');
      expect(text(stored?.body)).toBe(body);
      expect(stored?.size).toBe(Buffer.byteLength(body, 'utf8'));
      expect(stored?.contentType).toBe('text/plain');
    });

    it('head matches put and get', async () => {
      const { etag } = await store.put('data/head.txt', 'abc', { contentType: 'text/csv', metadata: { kind: 'head-test' } });

      const info = await store.head('data/head.txt');
      expect(info?.etag).toBe(etag);
      expect(info?.size).toBe(3);
      expect(info?.contentType).toBe('text/csv');
      expect(info?.metadata).toEqual({ kind: 'head-test' });
      expect(Math.abs((info?.lastModified.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
    });

    it('stored body is a copy of the input', async () => {
      const body = new Uint8Array([1, 2, 3]);
      await store.put('data/copy.bin', body);
      body[0] = 99;

      const first = await store.get('data/copy.bin');
      expect(first?.body).toEqual(new Uint8Array([1, 2, 3]));
      first?.body.fill(0);
      expect((await store.get('data/copy.bin'))?.body).toEqual(new Uint8Array([1, 2, 3]));
    });

    it('etag changes with content', async () => {
      const first = await store.put('data/versioned.txt', 'version 1');
      const second = await store.put('data/versioned.txt', 'version 2');

      expect(second.etag).not.toBe(first.etag);
      expect((await store.head('data/versioned.txt'))?.etag).toBe(second.etag);
    });

    it('ifNoneMatch creates a new key', async () => {
      const { etag } = await store.put('cond/new.txt', 'first', { ifNoneMatch: '*' });

      expect((await store.get('cond/new.txt'))?.etag).toBe(etag);
    });

    it('ifNoneMatch on existing key fails', async () => {
      await store.put('cond/existing.txt', 'original');

      const attempt = store.put('cond/existing.txt', 'overwrite', { ifNoneMatch: '*' });
      await expect(attempt).rejects.toBeInstanceOf(PreconditionFailedError);
      await expect(attempt).rejects.toMatchObject({
        code: 'PRECONDITION_FAILED',
        key: 'cond/existing.txt',
        precondition: { ifNoneMatch: '*' },
      });
      expect(text((await store.get('cond/existing.txt'))?.body)).toBe('original');
    });

    it('ifMatch with current etag succeeds', async () => {
      const first = await store.put('cond/match.txt', 'v1');
      const second = await store.put('cond/match.txt', 'v2', { ifMatch: first.etag });

      const stored = await store.get('cond/match.txt');
      expect(text(stored?.body)).toBe('v2');
      expect(stored?.etag).toBe(second.etag);
    });

    it('ifMatch with stale etag fails', async () => {
      const first = await store.put('cond/stale.txt', 'v1');
      await store.put('cond/stale.txt', 'v2', { ifMatch: first.etag });

      const attempt = store.put('cond/stale.txt', 'v3', { ifMatch: first.etag });
      await expect(attempt).rejects.toBeInstanceOf(PreconditionFailedError);
      await expect(attempt).rejects.toMatchObject({ key: 'cond/stale.txt', precondition: { ifMatch: first.etag } });
      expect(text((await store.get('cond/stale.txt'))?.body)).toBe('v2');
    });

    it('ifMatch on missing key fails', async () => {
      const { etag } = await store.put('cond/deleted.txt', 'v1');
      await store.delete('cond/deleted.txt');

      await expect(store.put('cond/deleted.txt', 'v2', { ifMatch: etag })).rejects.toBeInstanceOf(PreconditionFailedError);
      expect(await store.get('cond/deleted.txt')).toBeUndefined();
    });

    it('list pages through a prefix in key order', async () => {
      const keys = Array.from({ length: 25 }, (_, index) => `batch/item-${String(index).padStart(2, '0')}.txt`);
      // Written in reverse so that insertion order cannot pass for key order.
      for (const key of [...keys].reverse()) await store.put(key, key);
      await store.put('batchx/outside.txt', 'x');
      await store.put('other/outside.txt', 'x');
      await store.put('batc', 'x');

      const listed = await listAll(store, 'batch/', 10);
      expect(listed.map((info) => info.key)).toEqual(keys);
      for (const info of listed) {
        expect(info.size).toBe(Buffer.byteLength(info.key));
        expect(info.etag).toBe((await store.head(info.key))?.etag);
      }
    });

    it('list with a partial segment prefix', async () => {
      for (const key of ['logs/2026-01.txt', 'logs/2026-02.txt', 'logs/2027-01.txt', 'logs/2026/x.txt']) {
        await store.put(key, 'x');
      }

      const listed = await listAll(store, 'logs/2026-');
      expect(listed.map((info) => info.key)).toEqual(['logs/2026-01.txt', 'logs/2026-02.txt']);
    });

    it('list orders keys by UTF-8 bytes', async () => {
      // '/' sorts before '0'. U+FF5A sorts before U+1F32D in UTF-8 but after it in UTF-16.
      // Names with characters below '/' (space, '-', '.') next to a folder are left out, because
      // SeaweedFS lists a folder's keys before them. The fs layout tests cover that case.
      const expected = ['sort/a', 'sort/b/c', 'sort/b0', 'sort/bb', 'sort/z', 'sort/é', 'sort/ｚ', 'sort/🌭'];
      for (const key of [...expected].reverse()) await store.put(key, 'x');

      expect((await listAll(store, 'sort/')).map((info) => info.key)).toEqual(expected);
    });

    it('list of empty prefix returns everything', async () => {
      await store.put('one.txt', '1');
      await store.put('nested/two.txt', '2');

      expect((await listAll(store, '')).map((info) => info.key)).toEqual(['nested/two.txt', 'one.txt']);
    });

    it('list of unknown prefix is empty', async () => {
      await store.put('present/a.txt', 'a');

      expect(await listAll(store, 'absent/')).toEqual([]);
    });

    it('delete removes an object', async () => {
      await store.put('trash/a.txt', 'a');
      await store.put('trash/b.txt', 'b');
      await store.delete('trash/a.txt');

      expect(await store.get('trash/a.txt')).toBeUndefined();
      expect(await store.head('trash/a.txt')).toBeUndefined();
      expect((await listAll(store, 'trash/')).map((info) => info.key)).toEqual(['trash/b.txt']);
    });

    it('delete of missing key succeeds', async () => {
      await expect(store.delete('trash/never-written.txt')).resolves.toBeUndefined();
    });

    it('getStream round trip', async () => {
      const body = Uint8Array.from({ length: 256 }, (_, index) => 255 - index);
      const { etag } = await store.put('stream/all-bytes.bin', body, {
        contentType: 'application/x-test',
        metadata: { origin: 'stream-test' },
      });

      const opened = await store.getStream('stream/all-bytes.bin');
      expect(opened).toBeDefined();
      expect(await readStream(opened!.body)).toEqual(body);
      expect(opened?.info.key).toBe('stream/all-bytes.bin');
      expect(opened?.info.etag).toBe(etag);
      expect(opened?.info.size).toBe(256);
      expect(opened?.info.contentType).toBe('application/x-test');
      expect(opened?.info.metadata).toEqual({ origin: 'stream-test' });
      expect(opened?.info.lastModified).toBeInstanceOf(Date);
    });

    it('getStream of empty object', async () => {
      await store.put('stream/empty.bin', new Uint8Array());

      const opened = await store.getStream('stream/empty.bin');
      expect(opened?.info.size).toBe(0);
      expect(await readStream(opened!.body)).toEqual(new Uint8Array());
    });

    it('getStream of missing key returns undefined', async () => {
      expect(await store.getStream('stream/missing.bin')).toBeUndefined();
    });

    it('getStream destroyed early releases resources', async () => {
      const size = 1024 * 1024;
      const body = Uint8Array.from({ length: size }, (_, index) => index % 251);
      await store.put('stream/large.bin', body);
      const baseline = await options.countOpenResources?.();

      for (let round = 0; round < EARLY_DESTROY_ROUNDS; round++) {
        const opened = await withTimeout(store.getStream('stream/large.bin'), 5_000, `getStream round ${round + 1}`);
        expect(opened).toBeDefined();
        // Read one chunk, so that the backend has started sending the body, then stop.
        const iterator = opened!.body[Symbol.asyncIterator]();
        expect((await iterator.next()).done).toBe(false);
        await destroyAndWait(opened!.body);
      }

      if (options.countOpenResources) expect(await options.countOpenResources()).toBe(baseline);
      const after = await withTimeout(store.get('stream/large.bin'), 5_000, 'get after destroyed streams');
      expect(after?.size).toBe(size);
    });

    it('concurrent ifMatch puts: exactly one wins', async () => {
      const { etag } = await store.put('race/counter.txt', '0');
      const bodies = ['1a', '1b', '1c', '1d', '1e'];

      const results = await Promise.allSettled(bodies.map((body) => store.put('race/counter.txt', body, { ifMatch: etag })));

      const winners = bodies.filter((_, index) => results[index]?.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const result of results) {
        if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(PreconditionFailedError);
      }
      expect(text((await store.get('race/counter.txt'))?.body)).toBe(winners[0]);
    });

    it('concurrent ifNoneMatch puts: exactly one wins', async () => {
      const bodies = ['a', 'b', 'c', 'd'];

      const results = await Promise.allSettled(bodies.map((body) => store.put('race/created.txt', body, { ifNoneMatch: '*' })));

      const winners = bodies.filter((_, index) => results[index]?.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      expect(text((await store.get('race/created.txt'))?.body)).toBe(winners[0]);
    });

    it('keys with unicode and spaces', async () => {
      const key = 'labels/hot dog 🌭/naïve café (1).txt';
      const { etag } = await store.put(key, 'mustard');

      expect(text((await store.get(key))?.body)).toBe('mustard');
      expect((await store.head(key))?.etag).toBe(etag);
      expect((await listAll(store, 'labels/hot dog ')).map((info) => info.key)).toEqual([key]);
    });

    it.each([
      ['empty', ''],
      ['absolute', '/etc/passwd'],
      ['parent segment', 'a/../../x'],
      ['dot segment', 'a/./b'],
      ['empty segment', 'a//b'],
      ['trailing slash', 'a/'],
      ['backslash', 'a\\b'],
      ['NUL', 'a\u0000b'],
    ])('rejects %s key', async (_case, key) => {
      await expect(store.put(key, 'x')).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(store.get(key)).rejects.toMatchObject({ code: 'INVALID_KEY' });
      await expect(store.head(key)).rejects.toMatchObject({ code: 'INVALID_KEY' });
      await expect(store.getStream(key)).rejects.toMatchObject({ code: 'INVALID_KEY' });
      await expect(store.delete(key)).rejects.toMatchObject({ code: 'INVALID_KEY' });
    });

    it('description is set', () => {
      expect(store.description).toMatch(/^(memory|fs|s3):/);
    });
  });
}
