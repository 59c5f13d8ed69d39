import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { MAX_PAGE_SIZE } from '../list-options.js';
import type { ObjectStore } from '../object-store.js';
import { IMAGE_KEY_PREFIX, imageKey, isImageId, parseImageKey } from './image-key.js';
import { IMAGE_TYPES, type ImageContentType } from './image-type.js';

/** One image in the catalog. */
export interface CatalogImage {
  /** Lower-case hex SHA-256 of the content. */
  id: string;
  /** Storage key, `images/<id>.<extension>`. */
  key: string;
  /** Taken from the key's extension, because listings carry no content type. */
  contentType: ImageContentType;
  /** Size in bytes. */
  size: number;
}

/** The logger methods that the catalog calls; a pino logger fits. */
export interface CatalogLogger {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface ImageCatalogOptions {
  /** Time between background refreshes after `start()`, in milliseconds; defaults to `DEFAULT_REFRESH_INTERVAL_MS`. */
  refreshIntervalMs?: number;
  /** Receives start, stop and background refresh failures. */
  logger?: CatalogLogger;
  /** Called with each error of a background refresh, after it is logged. */
  onError?: (error: unknown) => void;
}

/**
 * Default refresh interval: 30 s. Images that another process stores appear within that time,
 * and a bucket of 10,000 images costs 10 list requests per refresh.
 */
export const DEFAULT_REFRESH_INTERVAL_MS = 30_000;

/** Node.js timers fire at once for delays above 2^31 - 1 ms (about 24.8 days). */
export const MAX_REFRESH_INTERVAL_MS = 2 ** 31 - 1;

/**
 * An in-memory index of the images in a store, so that sampling does not list the bucket for
 * each request. `refresh()` replaces the index with a new listing of `images/`, and `start()`
 * also refreshes it on a timer. `add()` makes an image visible as soon as this process stored it.
 * Keys under `images/` that `storeImage` cannot produce are left out.
 */
export class ImageCatalog {
  readonly #store: ObjectStore;
  readonly #refreshIntervalMs: number;
  readonly #logger: CatalogLogger | undefined;
  readonly #onError: ((error: unknown) => void) | undefined;

  #images = new Map<string, CatalogImage>();
  #snapshot: readonly CatalogImage[] | undefined;
  #refreshing: Promise<void> | undefined;
  /** Images added while a listing runs; that listing may have missed them, so they are kept on top of it. */
  #addedDuringRefresh = new Map<string, CatalogImage>();
  #timer: NodeJS.Timeout | undefined;
  #consecutiveFailures = 0;

  constructor(store: ObjectStore, options: ImageCatalogOptions = {}) {
    this.#store = store;
    this.#refreshIntervalMs = validateInterval(options.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS);
    this.#logger = options.logger;
    this.#onError = options.onError;
  }

  /** Number of images in the index. */
  get size(): number {
    return this.#images.size;
  }

  get(id: string): CatalogImage | undefined {
    const image = this.#images.get(id);
    return image && { ...image };
  }

  has(id: string): boolean {
    return this.#images.has(id);
  }

  /** Returns all images. The array is shared between calls until the index changes, so do not modify it. */
  list(): readonly CatalogImage[] {
    this.#snapshot ??= Object.freeze([...this.#images.values()].map((image) => Object.freeze({ ...image })));
    return this.#snapshot;
  }

  /**
   * Adds an image that this process has just stored, such as the result of `storeImage`, so that
   * it can be sampled before the next refresh.
   *
   * @throws InvalidArgumentError when the id is not 64 lower-case hex digits or the key does not match the id and content type.
   */
  add(image: CatalogImage): void {
    const entry = validateImage(image);
    this.#images.set(entry.id, entry);
    this.#snapshot = undefined;
    if (this.#refreshing) this.#addedDuringRefresh.set(entry.id, entry);
  }

  /**
   * Lists `images/` and replaces the index with the result. Calls made while a listing runs share
   * it and its outcome. On failure the previous index stays and the promise rejects with the
   * store's error.
   */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#listImages().finally(() => {
      this.#refreshing = undefined;
      this.#addedDuringRefresh.clear();
    });
    return this.#refreshing;
  }

  /**
   * Refreshes the index once and then every `refreshIntervalMs` on a timer that does not keep the
   * process alive. Errors of the first refresh reject this promise; the timer is running by then,
   * so the index catches up once the store is reachable. Errors of later refreshes go to the
   * logger and `onError` and never escape the timer. Calling `start()` again only refreshes.
   */
  async start(): Promise<void> {
    if (!this.#timer) {
      this.#timer = setInterval(() => this.#refreshInBackground(), this.#refreshIntervalMs);
      this.#timer.unref();
      this.#logger?.info(
        { store: this.#store.description, refreshIntervalMs: this.#refreshIntervalMs },
        'image catalog started',
      );
    }
    await this.refresh();
  }

  /** Stops the timer. A refresh already running still completes. */
  stop(): void {
    if (!this.#timer) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#logger?.info({ store: this.#store.description, images: this.size }, 'image catalog stopped');
  }

  async #listImages(): Promise<void> {
    const listed = new Map<string, CatalogImage>();
    for await (const info of this.#store.list(IMAGE_KEY_PREFIX, { pageSize: MAX_PAGE_SIZE })) {
      const parsed = parseImageKey(info.key);
      if (parsed) listed.set(parsed.id, { id: parsed.id, key: info.key, contentType: parsed.contentType, size: info.size });
    }

    for (const [id, image] of this.#addedDuringRefresh) listed.set(id, image);
    this.#images = listed;
    this.#snapshot = undefined;
  }

  #refreshInBackground(): void {
    this.refresh().then(
      () => {
        if (this.#consecutiveFailures > 0) {
          this.#logger?.info(
            { store: this.#store.description, failedRefreshes: this.#consecutiveFailures, images: this.size },
            'image catalog refresh succeeded again',
          );
        }
        this.#consecutiveFailures = 0;
      },
      (error: unknown) => this.#reportError(error),
    );
  }

  #reportError(error: unknown): void {
    this.#consecutiveFailures += 1;
    const fields = { err: error, store: this.#store.description, consecutiveFailures: this.#consecutiveFailures };
    if (this.#logger) {
      this.#logger.error(fields, 'image catalog refresh failed; keeping the previous index');
    } else if (!this.#onError) {
      // Without a logger or callback the error would vanish, so it goes to stderr.
      console.error('image catalog refresh failed; keeping the previous index', fields);
    }

    try {
      this.#onError?.(error);
    } catch (callbackError) {
      // A throwing callback must not turn into an unhandled rejection inside the timer.
      this.#logger?.error({ err: callbackError }, 'image catalog onError callback threw');
    }
  }
}

function validateInterval(refreshIntervalMs: number): number {
  if (!Number.isSafeInteger(refreshIntervalMs) || refreshIntervalMs < 1 || refreshIntervalMs > MAX_REFRESH_INTERVAL_MS) {
    throw new InvalidArgumentError(
      'refreshIntervalMs',
      `refreshIntervalMs must be a whole number of milliseconds from 1 to ${MAX_REFRESH_INTERVAL_MS}, got ${refreshIntervalMs}`,
    );
  }
  return refreshIntervalMs;
}

function validateImage(image: CatalogImage): CatalogImage {
  const type = IMAGE_TYPES.find((candidate) => candidate.contentType === image.contentType);
  if (!isImageId(image.id) || !type || image.key !== imageKey(image.id, type.extension)) {
    throw new InvalidArgumentError(
      'image',
      `cannot add image ${JSON.stringify(image.id)} with key ${JSON.stringify(image.key)} and content type ` +
        `${JSON.stringify(image.contentType)} to the catalog: the id must be 64 lower-case hex digits and the key ` +
        'images/<id>.<extension of the content type>; pass the result of storeImage',
    );
  }
  if (!Number.isSafeInteger(image.size) || image.size < 0) {
    throw new InvalidArgumentError('image', `cannot add image ${image.id} to the catalog: size ${image.size} must be a whole number of bytes, 0 or more`);
  }
  return { id: image.id, key: image.key, contentType: image.contentType, size: image.size };
}
