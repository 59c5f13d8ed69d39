export type {
  ListOptions,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  PutResult,
  StoredObject,
} from './object-store.js';

export { InvalidArgumentError } from './errors/invalid-argument-error.js';
export { InvalidKeyError } from './errors/invalid-key-error.js';
export { InvalidStorageUrlError, STORAGE_URL_FORMS } from './errors/invalid-storage-url-error.js';
export { PreconditionFailedError, type PutPrecondition } from './errors/precondition-failed-error.js';
export { StorageError, type StorageOperation } from './errors/storage-error.js';

export { FsStore } from './fs-store.js';
export { LockTimeoutError, LOCK_TIMEOUT_MS, STALE_LOCK_MS } from './fs-lock.js';
export { MemoryStore } from './memory-store.js';
export { S3Store, type S3StoreOptions } from './s3-store.js';
export { createS3Client, CONNECTION_TIMEOUT_MS, MAX_SOCKETS, type S3ClientOptions } from './s3-client.js';
export { openStore, type OpenStoreOptions } from './open-store.js';
export { MAX_KEY_BYTES } from './object-key.js';
export { MAX_PAGE_SIZE } from './list-options.js';
