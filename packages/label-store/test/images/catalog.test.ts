import { afterEach, describe, expect, it, vi } from 'vitest';

import { StorageError } from '../../src/errors/storage-error.js';
import { MemoryStore } from '../../src/memory-store.js';
import type { ObjectInfo, ObjectStore } from '../../src/object-store.js';
import { ImageCatalog, type CatalogImage, type CatalogLogger } from '../../src/images/catalog.js';
import { storeImage } from '../../src/images/store-image.js';
import { pngBytes } from './image-bytes.js';

const hexId = (digit: string) => digit.repeat(64);

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

async function addPng(store: ObjectStore, shade: number) {
  return storeImage(store, once(pngBytes(2, 2, shade)), { uploader: 'ann' });
}

/** A memory store whose listings can be counted, held back and made to fail. */
class ControlledStore extends MemoryStore {
  listCalls = 0;
  failure: Error | undefined;
  gate: Promise<void> | undefined;

  override async *list(prefix: string, options?: { pageSize?: number }): AsyncIterable<ObjectInfo> {
    this.listCalls += 1;
    if (this.failure) throw this.failure;
    // The listing is taken first and held back afterwards, like a slow listing of an older state.
    const listed: ObjectInfo[] = [];
    for await (const info of super.list(prefix, options)) listed.push(info);
    if (this.gate) await this.gate;
    yield* listed;
  }
}

function recordingLogger() {
  const entries: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const logger: CatalogLogger = {
    info: (fields, message) => entries.push({ level: 'info', fields, message }),
    error: (fields, message) => entries.push({ level: 'error', fields, message }),
  };
  return { logger, entries };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('ImageCatalog refresh', () => {
  it('indexes images and skips other keys', async () => {
    const store = new MemoryStore();
    const png = await addPng(store, 1);
    await store.put(`images/${hexId('a')}.jpg`, 'x');
    await store.put(`images/${hexId('b')}.webp`, 'xy');
    await store.put(`images/${hexId('c')}.gif`, 'xyz');
    await store.put(`images/${hexId('d')}.bmp`, 'skipped: unknown extension');
    await store.put(`images/${hexId('E')}.png`, 'skipped: upper-case id');
    await store.put('images/readme.txt', 'skipped: not an image key');
    await store.put('images/nested/x.png', 'skipped: nested');
    await store.put(`other/${hexId('f')}.png`, 'skipped: other prefix');
    const catalog = new ImageCatalog(store);

    await catalog.refresh();

    expect(catalog.size).toBe(4);
    expect(catalog.get(png.id)).toEqual({ id: png.id, key: png.key, contentType: 'image/png', size: png.size });
    expect(catalog.get(hexId('a'))).toEqual({ id: hexId('a'), key: `images/${hexId('a')}.jpg`, contentType: 'image/jpeg', size: 1 });
    expect(catalog.get(hexId('b'))?.contentType).toBe('image/webp');
    expect(catalog.get(hexId('c'))?.contentType).toBe('image/gif');
    expect(catalog.has(hexId('d'))).toBe(false);
    expect(catalog.list().map((image) => image.id).sort()).toEqual([png.id, hexId('a'), hexId('b'), hexId('c')].sort());
  });

  it('starts empty', () => {
    const catalog = new ImageCatalog(new MemoryStore());

    expect(catalog.size).toBe(0);
    expect(catalog.list()).toEqual([]);
    expect(catalog.get(hexId('a'))).toBeUndefined();
  });

  it('removes deleted images', async () => {
    const store = new MemoryStore();
    const first = await addPng(store, 1);
    const second = await addPng(store, 2);
    const catalog = new ImageCatalog(store);
    await catalog.refresh();

    await store.delete(first.key);
    await catalog.refresh();

    expect(catalog.has(first.id)).toBe(false);
    expect(catalog.has(second.id)).toBe(true);
  });

  it('concurrent calls share one listing', async () => {
    const store = new ControlledStore();
    await addPng(store, 1);
    const catalog = new ImageCatalog(store);

    await Promise.all([catalog.refresh(), catalog.refresh(), catalog.refresh()]);

    expect(store.listCalls).toBe(1);
    expect(catalog.size).toBe(1);
  });

  it('failure keeps the previous index', async () => {
    const store = new ControlledStore();
    const png = await addPng(store, 1);
    const catalog = new ImageCatalog(store);
    await catalog.refresh();

    store.failure = new StorageError('list', 'images/', 'listing failed');
    await expect(catalog.refresh()).rejects.toBe(store.failure);

    expect(catalog.has(png.id)).toBe(true);
  });

  it('list returns one shared array until a change', async () => {
    const store = new MemoryStore();
    await addPng(store, 1);
    const catalog = new ImageCatalog(store);
    await catalog.refresh();

    const first = catalog.list();
    expect(catalog.list()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);

    catalog.add(await addPng(store, 2));
    expect(catalog.list()).not.toBe(first);
    expect(catalog.list()).toHaveLength(2);
  });
});

describe('ImageCatalog add', () => {
  it('makes an upload visible at once', async () => {
    const store = new MemoryStore();
    const catalog = new ImageCatalog(store);
    await catalog.refresh();

    const stored = await addPng(store, 3);
    catalog.add(stored);

    expect(catalog.get(stored.id)).toEqual({ id: stored.id, key: stored.key, contentType: 'image/png', size: stored.size });
    expect(catalog.size).toBe(1);
  });

  it('survives a refresh that was already listing', async () => {
    const store = new ControlledStore();
    const catalog = new ImageCatalog(store);
    let release = () => {};
    store.gate = new Promise((resolve) => {
      release = resolve;
    });

    const refreshing = catalog.refresh();
    await vi.waitFor(() => expect(store.listCalls).toBe(1));
    // Stored after the listing was taken, so only add() can bring it into the index.
    const stored = await addPng(store, 4);
    catalog.add(stored);
    release();
    await refreshing;

    expect(catalog.has(stored.id)).toBe(true);
  });

  it.each<[string, CatalogImage]>([
    ['short id', { id: 'abc', key: 'images/abc.png', contentType: 'image/png', size: 1 }],
    ['upper-case id', { id: hexId('A'), key: `images/${hexId('A')}.png`, contentType: 'image/png', size: 1 }],
    ['key for another id', { id: hexId('a'), key: `images/${hexId('b')}.png`, contentType: 'image/png', size: 1 }],
    ['key with the wrong extension', { id: hexId('a'), key: `images/${hexId('a')}.jpg`, contentType: 'image/png', size: 1 }],
    ['negative size', { id: hexId('a'), key: `images/${hexId('a')}.png`, contentType: 'image/png', size: -1 }],
  ])('rejects %s', (_case, image) => {
    const catalog = new ImageCatalog(new MemoryStore());

    expect(() => catalog.add(image)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'image' }));
    expect(catalog.size).toBe(0);
  });
});

describe('ImageCatalog timer', () => {
  it('start refreshes now and then on the interval', async () => {
    vi.useFakeTimers();
    const store = new ControlledStore();
    const catalog = new ImageCatalog(store, { refreshIntervalMs: 1_000 });

    await catalog.start();
    expect(store.listCalls).toBe(1);

    const stored = await addPng(store, 5);
    await vi.advanceTimersByTimeAsync(999);
    expect(catalog.has(stored.id)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(catalog.has(stored.id)).toBe(true);
    expect(store.listCalls).toBe(2);

    catalog.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(store.listCalls).toBe(2);
  });

  it('timer does not keep the process alive', async () => {
    const setIntervalSpy = vi.spyOn(globalThis, 'setInterval');
    const catalog = new ImageCatalog(new MemoryStore(), { refreshIntervalMs: 60_000 });

    await catalog.start();

    const timer = setIntervalSpy.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    catalog.stop();
  });

  it('second start keeps one timer', async () => {
    const setIntervalSpy = vi.spyOn(globalThis, 'setInterval');
    const catalog = new ImageCatalog(new MemoryStore(), { refreshIntervalMs: 60_000 });

    await catalog.start();
    await catalog.start();

    expect(setIntervalSpy).toHaveBeenCalledTimes(1);
    catalog.stop();
  });

  it('reports background errors without throwing', async () => {
    vi.useFakeTimers();
    const store = new ControlledStore();
    const { logger, entries } = recordingLogger();
    const onError = vi.fn();
    const catalog = new ImageCatalog(store, { refreshIntervalMs: 1_000, logger, onError });
    await catalog.start();

    const failure = new StorageError('list', 'images/', 'store unreachable');
    store.failure = failure;
    await vi.advanceTimersByTimeAsync(2_000);

    expect(onError).toHaveBeenCalledTimes(2);
    expect(onError).toHaveBeenCalledWith(failure);
    const errors = entries.filter((entry) => entry.level === 'error');
    expect(errors).toHaveLength(2);
    expect(errors[1]?.fields).toMatchObject({ err: failure, consecutiveFailures: 2, store: 'memory:' });

    store.failure = undefined;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(entries.at(-1)).toMatchObject({ level: 'info', fields: { failedRefreshes: 2 } });
    catalog.stop();
  });

  it('throwing onError is contained', async () => {
    vi.useFakeTimers();
    const store = new ControlledStore();
    const { logger, entries } = recordingLogger();
    const catalog = new ImageCatalog(store, {
      refreshIntervalMs: 1_000,
      logger,
      onError: () => {
        throw new Error('callback bug');
      },
    });
    await catalog.start();

    store.failure = new Error('list failed');
    await vi.advanceTimersByTimeAsync(1_000);

    expect(entries.map((entry) => entry.message)).toContain('image catalog onError callback threw');
    catalog.stop();
  });

  it('first refresh failure rejects start but the timer recovers', async () => {
    vi.useFakeTimers();
    const store = new ControlledStore();
    const png = await addPng(store, 6);
    const catalog = new ImageCatalog(store, { refreshIntervalMs: 1_000, onError: () => {} });

    store.failure = new Error('not reachable yet');
    await expect(catalog.start()).rejects.toThrow('not reachable yet');

    store.failure = undefined;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(catalog.has(png.id)).toBe(true);
    catalog.stop();
  });

  it('logs start and stop', async () => {
    const { logger, entries } = recordingLogger();
    const catalog = new ImageCatalog(new MemoryStore(), { refreshIntervalMs: 60_000, logger });

    await catalog.start();
    catalog.stop();
    catalog.stop();

    expect(entries.map((entry) => entry.message)).toEqual(['image catalog started', 'image catalog stopped']);
  });

  it.each([0, -1, 1.5, Number.NaN, 2 ** 31])('rejects refreshIntervalMs %s', (refreshIntervalMs) => {
    expect(() => new ImageCatalog(new MemoryStore(), { refreshIntervalMs })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'refreshIntervalMs' }),
    );
  });
});
