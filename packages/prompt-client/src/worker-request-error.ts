export type WorkerRequestErrorCode =
  /** The worker responded with an HTTP error status and a JSON error body. */
  | 'WORKER_ERROR'
  /** The connection failed before any response arrived (DNS, refused, reset). */
  | 'WORKER_UNREACHABLE'
  /** No complete response arrived within the timeout. */
  | 'WORKER_TIMEOUT'
  /** The response was not the JSON that the worker API documents. */
  | 'INVALID_RESPONSE';

/** Fields of a WorkerRequestError; only `url` is always present. */
export interface WorkerRequestErrorContext {
  /** The URL that was requested. */
  url: string;
  /** HTTP status of the response, when one arrived. */
  status?: number;
  /** `error.code` from the worker's error body, e.g. `TOO_MANY_NUMBERS`. */
  workerCode?: string;
  /** `error.details` from the worker's error body. */
  details?: unknown;
  /** Value of the `X-Request-Id` response header. */
  requestId?: string;
  /** Low-level cause code for network failures, e.g. `ECONNREFUSED`. */
  causeCode?: string;
}

/** Error for a worker request that did not return the documented response. */
export class WorkerRequestError extends Error {
  override readonly name = 'WorkerRequestError';
  readonly url: string;
  readonly status: number | undefined;
  readonly workerCode: string | undefined;
  readonly details: unknown;
  readonly requestId: string | undefined;
  readonly causeCode: string | undefined;

  constructor(
    readonly code: WorkerRequestErrorCode,
    message: string,
    context: WorkerRequestErrorContext,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.url = context.url;
    this.status = context.status;
    this.workerCode = context.workerCode;
    this.details = context.details;
    this.requestId = context.requestId;
    this.causeCode = context.causeCode;
  }
}
