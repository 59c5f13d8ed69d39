/** The store method during which a backend failure happened. */
export type StorageOperation = 'get' | 'head' | 'put' | 'list' | 'delete';

/**
 * Raised when the backend fails for a reason other than a missing key or a failed precondition:
 * a filesystem error, a lock that stayed busy, an S3 error response or a network failure.
 * `cause` is the original error when there is one.
 */
export class StorageError extends Error {
  readonly code = 'STORAGE_ERROR';
  readonly operation: StorageOperation;
  /** The key, or for `list` the prefix, that the operation was working on. */
  readonly key: string;

  constructor(operation: StorageOperation, key: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
    this.operation = operation;
    this.key = key;
  }
}
