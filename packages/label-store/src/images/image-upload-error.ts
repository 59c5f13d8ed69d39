/** Reason code of an `ImageUploadError`, stable so that clients and logs can match on it. */
export type ImageUploadErrorCode =
  | 'EMPTY_FILE'
  | 'FILE_TOO_LARGE'
  | 'UNSUPPORTED_IMAGE_TYPE'
  | 'IMAGE_DIMENSIONS_TOO_LARGE'
  | 'INVALID_IMAGE';

/**
 * The HTTP status of the API response for each code: 400 for no content, 413 Content Too Large,
 * 415 Unsupported Media Type, and 422 Unprocessable Content for an image that has the right
 * type but cannot be used.
 */
export const IMAGE_UPLOAD_ERROR_STATUS: Readonly<Record<ImageUploadErrorCode, number>> = {
  EMPTY_FILE: 400,
  FILE_TOO_LARGE: 413,
  UNSUPPORTED_IMAGE_TYPE: 415,
  IMAGE_DIMENSIONS_TOO_LARGE: 422,
  INVALID_IMAGE: 422,
};

/**
 * Raised by `storeImage` when an upload is not an acceptable image. The message names the file
 * and the rule, so an API can show it to the user as it is.
 */
export class ImageUploadError extends Error {
  readonly code: ImageUploadErrorCode;
  /** Suggested HTTP status for an API response. */
  readonly status: number;
  /** The client's file name after `sanitizeFileName`, or `''` when the upload had none. */
  readonly fileName: string;
  /** Values behind the decision, such as `{ maxBytes }` or `{ width, height, maxPixels }`, safe to return to the client. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ImageUploadErrorCode, fileName: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ImageUploadError';
    this.code = code;
    this.status = IMAGE_UPLOAD_ERROR_STATUS[code];
    this.fileName = fileName;
    this.details = { ...details };
  }
}
