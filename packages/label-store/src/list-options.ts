import { InvalidArgumentError } from './errors/invalid-argument-error.js';
import type { ListOptions } from './object-store.js';

/** S3 returns at most 1000 keys per ListObjectsV2 page, so larger pages cannot be honoured. */
export const MAX_PAGE_SIZE = 1000;

/**
 * Returns the page size to request, defaulting to the S3 maximum.
 *
 * @throws InvalidArgumentError when `pageSize` is not an integer from 1 to 1000.
 */
export function validatePageSize(options: ListOptions = {}): number {
  const pageSize = options.pageSize ?? MAX_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new InvalidArgumentError(
      'pageSize',
      `pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${String(pageSize)}`,
    );
  }
  return pageSize;
}
