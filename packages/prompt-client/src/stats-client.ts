import type { Summary } from '@hotdog-lab/stats-core';

import { DEFAULT_TIMEOUT_MS, isRecord, requestJson, resolveWorkerUrl } from './_worker-http.js';

export { DEFAULT_TIMEOUT_MS } from './_worker-http.js';

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

/** Path of the stats endpoint, relative to the worker's base URL. */
const STATS_PATH = 'v1/stats';

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
    const request: RequestInit = {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ numbers }),
    };
    const result = await requestJson(this.#fetch, this.endpoint, request, this.timeoutMs, isSummary, 'a stats summary');
    return { summary: pickSummary(result.value), body: result.body, requestId: result.requestId };
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
  return resolveWorkerUrl(workerUrl, STATS_PATH);
}

function isSummary(value: unknown): value is Summary {
  return isRecord(value) && SUMMARY_FIELDS.every((field) => typeof value[field] === 'number');
}

function pickSummary(value: Summary): Summary {
  return { count: value.count, min: value.min, max: value.max, mean: value.mean, median: value.median };
}
