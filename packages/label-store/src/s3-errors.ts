import { PreconditionFailedError, type PutPrecondition } from './errors/precondition-failed-error.js';
import { StorageError, type StorageOperation } from './errors/storage-error.js';

/** The parts of an AWS SDK v3 service error that the mapping below reads. */
interface S3ErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

/** Error codes with which S3 reports a missing object: `NoSuchKey` from GET, a bare 404 `NotFound` from HEAD. */
const NOT_FOUND_CODES = new Set(['NoSuchKey', 'NotFound']);

/**
 * Tells whether an S3 error means that the object does not exist, which `get` and `head`
 * report as `undefined`. A missing bucket (`NoSuchBucket`, also a 404) is not one of them.
 */
export function isObjectNotFound(error: unknown): boolean {
  const { code, status } = describeS3Error(error);
  return NOT_FOUND_CODES.has(code) || (status === 404 && code !== 'NoSuchBucket');
}

/**
 * Maps an S3 failure of a conditional put to `PreconditionFailedError`, or returns `undefined`
 * for other errors. 412 `PreconditionFailed` and 409 `ConditionalRequestConflict` (a concurrent
 * conditional write won the race) map to it. So does a missing object under `ifMatch`, which AWS
 * reports as 404 `NoSuchKey` where SeaweedFS sends 412.
 */
export function toPreconditionFailed(
  error: unknown,
  key: string,
  precondition: PutPrecondition | undefined,
): PreconditionFailedError | undefined {
  if (!precondition) return undefined;

  const { code, status } = describeS3Error(error);
  const conflict = code === 'PreconditionFailed' || status === 412 || code === 'ConditionalRequestConflict';
  const missingUnderIfMatch = 'ifMatch' in precondition && isObjectNotFound(error);
  return conflict || missingUnderIfMatch ? new PreconditionFailedError(key, precondition, { cause: error }) : undefined;
}

/** Wraps any other S3 or network failure, naming the S3 error code and HTTP status in the message. */
export function toStorageError(operation: StorageOperation, location: string, key: string, error: unknown): StorageError {
  const { code, status, message } = describeS3Error(error);
  const statusText = status === undefined ? 'no HTTP response' : `HTTP ${status}`;
  return new StorageError(
    operation,
    key,
    `S3 ${operation} of ${JSON.stringify(key)} in ${location} failed with ${code} (${statusText}): ${message}; ` +
      'check the bucket name, the endpoint and the credentials from the AWS credential chain',
    { cause: error },
  );
}

function describeS3Error(error: unknown): { code: string; status: number | undefined; message: string } {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as S3ErrorShape;
  return {
    code: shape.name ?? 'UnknownError',
    status: shape.$metadata?.httpStatusCode,
    message: shape.message ?? String(error),
  };
}
