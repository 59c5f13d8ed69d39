import { PreconditionFailedError } from '../../src/errors/precondition-failed-error.js';
import type { ObjectStore, PutOptions, PutResult } from '../../src/object-store.js';

type PutFunction = (key: string, body: Uint8Array | string, options?: PutOptions) => Promise<PutResult>;

/**
 * Returns a store that forwards every call to `store` except the methods in `overrides`. A
 * Proxy is used so that methods added to ObjectStore later are forwarded too.
 */
export function wrapStore(store: ObjectStore, overrides: Partial<ObjectStore>): ObjectStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof ObjectStore];
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Wraps a store so that every put fails as if another writer had just changed the object. */
export function alwaysConflictingStore(store: ObjectStore): ObjectStore {
  const put: PutFunction = async (key, _body, options) => {
    throw new PreconditionFailedError(key, options?.ifMatch ? { ifMatch: options.ifMatch } : { ifNoneMatch: '*' });
  };
  return wrapStore(store, { put });
}

/** Wraps a store so that `beforePut` runs before each put is forwarded, such as to let another writer in first. */
export function storeWithPutHook(store: ObjectStore, beforePut: (putNumber: number) => Promise<void>): ObjectStore {
  let puts = 0;
  const put: PutFunction = async (key, body, options) => {
    puts += 1;
    await beforePut(puts);
    return store.put(key, body, options);
  };
  return wrapStore(store, { put });
}

/** Counts the calls of each store method. */
export interface CallCounts {
  get: number;
  head: number;
  put: number;
}

/** Wraps a store so that its get, head and put calls are counted in `counts`. */
export function countingStore(store: ObjectStore): { store: ObjectStore; counts: CallCounts } {
  const counts: CallCounts = { get: 0, head: 0, put: 0 };
  const wrapped = wrapStore(store, {
    get: async (key) => {
      counts.get += 1;
      return store.get(key);
    },
    head: async (key) => {
      counts.head += 1;
      return store.head(key);
    },
    put: async (key, body, options) => {
      counts.put += 1;
      return store.put(key, body, options);
    },
  });
  return { store: wrapped, counts };
}
