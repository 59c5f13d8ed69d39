import { WorkerRequestError } from './worker-request-error.js';

/** Time allowed for one request to the worker, body included, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Characters of an unexpected response body to quote in an error message. */
const BODY_EXCERPT_LENGTH = 200;

/** Levels of `cause` to follow when looking for a system error code. */
const MAX_CAUSE_DEPTH = 5;

/** Response of the worker whose body was read completely. */
export interface WorkerResponse<Body> {
  response: Response;
  body: Body;
  /** Value of the `X-Request-Id` response header, if the worker set it. */
  requestId: string | undefined;
}

/**
 * Returns the absolute URL of `path` under a worker base URL. A path prefix of the base is kept,
 * and a leading slash of `path` does not drop it: `/v1/images/x` under `http://host/lab`
 * becomes `http://host/lab/v1/images/x`.
 * Throws TypeError for a base URL that does not parse or is not http(s), and for a `path`
 * that resolves to another origin.
 */
export function resolveWorkerUrl(workerUrl: string, path: string): string {
  const base = new URL(workerUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new TypeError(`unsupported protocol ${base.protocol}`);
  }
  // A trailing slash makes the relative path extend the base path instead of replacing its last segment.
  if (!base.pathname.endsWith('/')) {
    base.pathname = `${base.pathname}/`;
  }

  const resolved = new URL(path.replace(/^\/+/, ''), base);
  if (resolved.origin !== base.origin) {
    throw new TypeError(`path "${path}" leaves the worker origin ${base.origin}`);
  }
  return resolved.href;
}

/**
 * Sends one request with a timeout and reads the whole body with `readBody`.
 * Throws WorkerRequestError WORKER_TIMEOUT or WORKER_UNREACHABLE when no complete response arrives.
 * An HTTP error status is returned like any other; callers decide what it means.
 */
export async function exchange<Body>(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  readBody: (response: Response) => Promise<Body>,
): Promise<WorkerResponse<Body>> {
  let response: Response;
  let body: Body;
  try {
    response = await fetchImpl(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    body = await readBody(response);
  } catch (error) {
    throw toTransportError(url, error, timeoutMs);
  }
  return { response, body, requestId: response.headers.get('x-request-id') ?? undefined };
}

/**
 * Sends a request that expects a JSON body and returns the parsed value.
 * Throws WorkerRequestError for transport failures and for an error status: WORKER_ERROR with
 * the JSON error envelope, INVALID_RESPONSE without it. It also throws INVALID_RESPONSE for a
 * success body that is not JSON or that `isExpected` rejects. `expected` names the shape in that message.
 */
export async function requestJson<Value>(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  isExpected: (value: unknown) => value is Value,
  expected: string,
): Promise<WorkerResponse<string> & { value: Value }> {
  const headers = { accept: 'application/json', ...(init.headers as Record<string, string> | undefined) };
  const result = await exchange(fetchImpl, url, { ...init, headers }, timeoutMs, (response) => response.text());
  const { response, body, requestId } = result;
  const parsed = parseJson(body);

  if (!response.ok) {
    throw toWorkerError(url, response, body, parsed, requestId);
  }
  if (parsed === undefined || !isExpected(parsed.value)) {
    throw new WorkerRequestError(
      'INVALID_RESPONSE',
      `worker at ${url} returned HTTP ${response.status} without ${expected}: ${excerpt(body)}`,
      { url, status: response.status, requestId },
    );
  }
  return { ...result, value: parsed.value };
}

/** Converts a failed fetch (timeout, refused connection, DNS failure) into a WorkerRequestError. */
export function toTransportError(url: string, error: unknown, timeoutMs: number): WorkerRequestError {
  if (error instanceof WorkerRequestError) {
    return error;
  }
  if (isTimeout(error)) {
    return new WorkerRequestError(
      'WORKER_TIMEOUT',
      `request to the worker at ${url} timed out after ${timeoutMs / 1000} s; check that the worker is running or raise --timeout`,
      { url },
      { cause: error },
    );
  }

  const causeCode = findCauseCode(error);
  const reason = causeCode ?? describeCause(error);
  return new WorkerRequestError(
    'WORKER_UNREACHABLE',
    `could not reach the worker at ${url} (${reason}); check --worker or HOTDOG_WORKER_URL and that the worker is running`,
    { url, causeCode },
    { cause: error },
  );
}

/**
 * Converts an HTTP error status into a WorkerRequestError: WORKER_ERROR with the worker's
 * code and message when the body is the JSON error envelope, INVALID_RESPONSE otherwise.
 */
export function toWorkerError(
  url: string,
  response: { status: number; statusText: string },
  body: string,
  parsed: { value: unknown } | undefined,
  requestId: string | undefined,
): WorkerRequestError {
  const status = response.status;
  const envelope = parsed === undefined ? undefined : readErrorEnvelope(parsed.value);

  if (envelope === undefined) {
    const kind = parsed === undefined ? 'a non-JSON body' : 'a JSON body without an error object';
    return new WorkerRequestError(
      'INVALID_RESPONSE',
      `worker at ${url} returned HTTP ${status} ${response.statusText} with ${kind}: ${excerpt(body)}`,
      { url, status, requestId },
    );
  }

  return new WorkerRequestError(
    'WORKER_ERROR',
    `worker returned HTTP ${status} ${envelope.code}: ${envelope.message}`,
    { url, status, workerCode: envelope.code, details: envelope.details, requestId },
  );
}

function readErrorEnvelope(value: unknown): { code: string; message: string; details: unknown } | undefined {
  if (!isRecord(value) || !isRecord(value.error)) {
    return undefined;
  }
  const { code, message, details } = value.error;
  if (typeof code !== 'string' || typeof message !== 'string') {
    return undefined;
  }
  return { code, message, details };
}

export function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns true for a number that is an integer from 0 to Number.MAX_SAFE_INTEGER. */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}

/**
 * Finds a system error code such as ECONNREFUSED. Node's fetch (undici) throws
 * `TypeError: fetch failed` with the socket error as `cause`, and for a host name
 * with several addresses the cause is an AggregateError of per-address errors.
 */
export function findCauseCode(error: unknown): string | undefined {
  let current = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH; depth += 1) {
    if (typeof current !== 'object' || current === null) {
      return undefined;
    }
    const { code, cause, errors } = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string') {
      return code;
    }
    current = Array.isArray(errors) && errors.length > 0 ? errors[0] : cause;
  }
  return undefined;
}

export function describeCause(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

export function excerpt(body: string): string {
  const text = body.trim();
  if (text === '') {
    return '(empty body)';
  }
  const cut = text.length > BODY_EXCERPT_LENGTH ? `${text.slice(0, BODY_EXCERPT_LENGTH)}…` : text;
  return JSON.stringify(cut);
}
