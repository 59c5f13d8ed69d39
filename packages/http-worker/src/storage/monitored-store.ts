import {
  InvalidArgumentError,
  InvalidKeyError,
  PreconditionFailedError,
  type ListOptions,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
  type PutResult,
  type StoredObject,
  type StoredObjectStream,
} from '@hotdog-lab/label-store';

export type StoreOperation = 'get' | 'head' | 'put' | 'list' | 'delete';
export type StoreOutcome = 'ok' | 'error';

/** Length of the window over which the recent error share is counted, in seconds. */
export const RECENT_WINDOW_SECONDS = 30;

/** Counts of store calls in the recent window. */
export interface RecentOutcomes {
  ok: number;
  errors: number;
}

/**
 * An `ObjectStore` that counts the outcome of every call to the store it wraps, for metrics and
 * readiness. A missing key, a failed precondition and an invalid key or argument are responses
 * of a working store and count as `ok`. Every other failure counts as `error`.
 */
export class MonitoredStore implements ObjectStore {
  readonly description: string;
  readonly inner: ObjectStore;
  /** Totals since start, by operation and outcome. */
  readonly totals = new Map<string, number>();
  readonly #buckets: { second: number; ok: number; errors: number }[] = [];

  constructor(inner: ObjectStore) {
    this.inner = inner;
    this.description = inner.description;
  }

  get(key: string): Promise<StoredObject | undefined> {
    return this.#track('get', () => this.inner.get(key));
  }

  getStream(key: string): Promise<StoredObjectStream | undefined> {
    return this.#track('get', () => this.inner.getStream(key));
  }

  head(key: string): Promise<ObjectInfo | undefined> {
    return this.#track('head', () => this.inner.head(key));
  }

  put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<PutResult> {
    return this.#track('put', () => this.inner.put(key, body, options));
  }

  async *list(prefix: string, options?: ListOptions): AsyncIterable<ObjectInfo> {
    try {
      yield* this.inner.list(prefix, options);
      this.#count('list', 'ok');
    } catch (error) {
      this.#count('list', isStoreAnswer(error) ? 'ok' : 'error');
      throw error;
    }
  }

  delete(key: string): Promise<void> {
    return this.#track('delete', () => this.inner.delete(key));
  }

  /** Calls of the last `RECENT_WINDOW_SECONDS` seconds. */
  recent(now = Date.now()): RecentOutcomes {
    const oldest = Math.floor(now / 1000) - RECENT_WINDOW_SECONDS;
    let ok = 0;
    let errors = 0;
    for (const bucket of this.#buckets) {
      if (bucket.second <= oldest) continue;
      ok += bucket.ok;
      errors += bucket.errors;
    }
    return { ok, errors };
  }

  async #track<T>(operation: StoreOperation, call: () => Promise<T>): Promise<T> {
    try {
      const result = await call();
      this.#count(operation, 'ok');
      return result;
    } catch (error) {
      this.#count(operation, isStoreAnswer(error) ? 'ok' : 'error');
      throw error;
    }
  }

  #count(operation: StoreOperation, outcome: StoreOutcome): void {
    const name = `${operation}:${outcome}`;
    this.totals.set(name, (this.totals.get(name) ?? 0) + 1);

    const second = Math.floor(Date.now() / 1000);
    let bucket = this.#buckets.at(-1);
    if (!bucket || bucket.second !== second) {
      bucket = { second, ok: 0, errors: 0 };
      this.#buckets.push(bucket);
      // One bucket per second of the window is enough; older ones no longer count.
      while (this.#buckets.length > RECENT_WINDOW_SECONDS + 1) this.#buckets.shift();
    }
    if (outcome === 'ok') bucket.ok += 1;
    else bucket.errors += 1;
  }
}

function isStoreAnswer(error: unknown): boolean {
  return error instanceof PreconditionFailedError || error instanceof InvalidKeyError || error instanceof InvalidArgumentError;
}
