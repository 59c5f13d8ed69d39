/** The storage URL forms that `openStore` accepts, for error messages and help text. */
export const STORAGE_URL_FORMS = 'memory:, fs:<directory> or s3://<bucket>[/<prefix>]';

/** Raised by `openStore` when a storage URL has none of the accepted forms. */
export class InvalidStorageUrlError extends Error {
  readonly code = 'INVALID_STORAGE_URL';
  readonly url: string;

  constructor(url: string, reason: string) {
    super(`invalid storage URL ${JSON.stringify(url)}: ${reason}; use ${STORAGE_URL_FORMS}`);
    this.name = 'InvalidStorageUrlError';
    this.url = url;
  }
}
