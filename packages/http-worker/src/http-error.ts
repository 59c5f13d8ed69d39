/** Fields of the JSON error body `{ "error": { code, message, details } }`. */
export type ErrorDetails = Record<string, unknown>;

/**
 * An error that the error middleware turns into a JSON response with `status`.
 * `expose` is false for 5xx statuses: such errors are logged as server failures.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetails;
  readonly expose: boolean;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { details?: ErrorDetails; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = status;
    this.code = code;
    this.details = options.details ?? {};
    this.expose = status < 500;
    this.headers = options.headers ?? {};
  }
}
