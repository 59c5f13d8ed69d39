export type LocalFileErrorCode =
  /** The path does not exist (ENOENT). */
  | 'FILE_NOT_FOUND'
  /** The path is a directory or another non-regular file. */
  | 'NOT_A_FILE'
  /** The file changed size between the size check and the end of the upload. */
  | 'FILE_CHANGED'
  /** Any other read failure, such as EACCES. */
  | 'FILE_READ_FAILED';

/** Error for a local file that could not be uploaded; nothing about it reached the worker as a complete request. */
export class LocalFileError extends Error {
  override readonly name = 'LocalFileError';

  constructor(
    readonly code: LocalFileErrorCode,
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Converts an fs error such as ENOENT or EISDIR into a LocalFileError that names the path. */
  static fromSystemError(path: string, error: unknown): LocalFileError {
    const systemCode = (error as { code?: unknown } | null)?.code;
    if (systemCode === 'ENOENT') {
      return new LocalFileError('FILE_NOT_FOUND', path, `file not found: ${path}`, { cause: error });
    }
    if (systemCode === 'EISDIR') {
      return new LocalFileError('NOT_A_FILE', path, `${path} is not a regular file`, { cause: error });
    }
    let reason = error instanceof Error ? error.message : String(error);
    if (typeof systemCode === 'string') {
      reason = systemCode;
    }
    return new LocalFileError('FILE_READ_FAILED', path, `cannot read ${path} (${reason})`, { cause: error });
  }
}
