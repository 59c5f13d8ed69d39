import type { Summary } from '@hotdog-lab/stats-core';

import { WorkerRequestError } from './worker-request-error.js';

/** Options for StatsClient. */
export interface StatsClientOptions {
  /** Base URL of the worker, e.g. `http://127.0.0.1:3000`; a path prefix is kept. */
  workerUrl: string;
  /** Time allowed for the whole request, body included, in milliseconds. */
  timeoutMs?: number;
  /** Fetch implementation; defaults to Node's global `fetch`. */
  fetch?: typeof fetch;
}

/** Result of a successful stats request. */
export interface StatsResult {
  summary: Summary;
  /** The response body exactly as the worker sent it. */
  body: string;
  /** Value of the `X-Request-Id` response header, if the worker set it. */
  requestId: string | undefined;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/** Path of the stats endpoint, relative to the worker's base URL. */
const STATS_PATH = 'v1/stats';

/** Characters of an unexpected response body to quote in an error message. */
const BODY_EXCERPT_LENGTH = 200;

/** Levels of `cause` to follow when looking for a system error code. */
const MAX_CAUSE_DEPTH = 5;

const SUMMARY_FIELDS = ['count', 'min', 'max', 'mean', 'median'] as const;

/** HTTP client for the worker's `POST /v1/stats` endpoint. */
export class StatsClient {
  readonly endpoint: string;
  readonly timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: StatsClientOptions) {
    this.endpoint = resolveStatsEndpoint(options.workerUrl);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  /**
   * Sends the numbers and returns the worker's summary.
   * Throws WorkerRequestError when the worker is unreachable, times out,
   * returns an error status, or returns something other than a summary.
   */
  async postStats(numbers: readonly number[]): Promise<StatsResult> {
    const url = this.endpoint;
    const request: RequestInit = {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ numbers }),
      signal: AbortSignal.timeout(this.timeoutMs),
    };

    let response: Response;
    let body: string;
    try {
      response = await this.#fetch(url, request);
      body = await response.text();
    } catch (error) {
      throw this.#toTransportError(error);
    }

    const requestId = response.headers.get('x-request-id') ?? undefined;
    const parsed = parseJson(body);

    if (!response.ok) {
      throw toWorkerError(url, response, body, parsed, requestId);
    }
    if (parsed === undefined || !isSummary(parsed.value)) {
      throw new WorkerRequestError(
        'INVALID_RESPONSE',
        `worker at ${url} returned HTTP ${response.status} without a stats summary: ${excerpt(body)}`,
        { url, status: response.status, requestId },
      );
    }
    return { summary: pickSummary(parsed.value), body, requestId };
  }

  #toTransportError(error: unknown): WorkerRequestError {
    const url = this.endpoint;
    if (isTimeout(error)) {
      return new WorkerRequestError(
        'WORKER_TIMEOUT',
        `request to the worker at ${url} timed out after ${this.timeoutMs / 1000} s; check that the worker is running or raise --timeout`,
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
}

/** Sends one stats request; a shorthand for `new StatsClient(options).postStats(numbers)`. */
export function postStats(numbers: readonly number[], options: StatsClientOptions): Promise<StatsResult> {
  return new StatsClient(options).postStats(numbers);
}

/**
 * Returns the absolute stats URL for a worker base URL.
 * Throws TypeError for a URL that does not parse or is not http(s).
 */
export function resolveStatsEndpoint(workerUrl: string): string {
  const base = new URL(workerUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new TypeError(`unsupported protocol ${base.protocol}`);
  }
  // A trailing slash makes the relative path extend the base path instead of replacing its last segment.
  if (!base.pathname.endsWith('/')) {
    base.pathname = `${base.pathname}/`;
  }
  return new URL(STATS_PATH, base).href;
}

function toWorkerError(
  url: string,
  response: Response,
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

function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

function isSummary(value: unknown): value is Summary {
  return isRecord(value) && SUMMARY_FIELDS.every((field) => typeof value[field] === 'number');
}

function pickSummary(value: Summary): Summary {
  return { count: value.count, min: value.min, max: value.max, mean: value.mean, median: value.median };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}

/**
 * Finds a system error code such as ECONNREFUSED. Node's fetch (undici) throws
 * `TypeError: fetch failed` with the socket error as `cause`, and for a host name
 * with several addresses the cause is an AggregateError of per-address errors.
 */
function findCauseCode(error: unknown): string | undefined {
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

function describeCause(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

function excerpt(body: string): string {
  const text = body.trim();
  if (text === '') {
    return '(empty body)';
  }
  const cut = text.length > BODY_EXCERPT_LENGTH ? `${text.slice(0, BODY_EXCERPT_LENGTH)}…` : text;
  return JSON.stringify(cut);
}
