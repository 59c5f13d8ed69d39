import autocannon from 'autocannon';

/** One load run against a server. */
export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  path: string;
  body?: string;
  headers?: Record<string, string>;
  connections: number;
  durationSeconds: number;
  /** Requests per second over all connections; unset means as fast as the server responds. */
  overallRate?: number;
  /** Keep the `X-Request-Id` of every response, to check later that each one was logged. */
  collectRequestIds?: boolean;
}

export interface LoadResult {
  /** Responses of any status per second, averaged over the run. */
  requestsPerSecond: number;
  /** Responses received. */
  responses: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  requestIds: string[];
}

/** Per-request time limit; a request slower than this counts as an error. */
const REQUEST_TIMEOUT_SECONDS = 10;

/** Runs autocannon for a bounded time and connection count. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const requestIds: string[] = [];
  const onResponse = options.collectRequestIds
    ? (_status: number, _body: string, _context: object, headers: Record<string, string | string[] | undefined> | undefined) => {
        // autocannon passes the header names as the server wrote them.
        const id = headers?.['x-request-id'] ?? headers?.['X-Request-Id'];
        if (typeof id === 'string') requestIds.push(id);
      }
    : undefined;

  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    overallRate: options.overallRate,
    timeout: REQUEST_TIMEOUT_SECONDS,
    requests: [
      {
        method: options.method ?? 'GET',
        path: options.path,
        body: options.body,
        headers: options.headers,
        ...(onResponse && { onResponse }),
      },
    ],
  });

  return {
    requestsPerSecond: result.requests.average,
    responses: result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    requestIds,
  };
}

/** The stats request body that every stats benchmark sends: ten numbers, as allowed by default. */
export const STATS_BODY = JSON.stringify({ numbers: [10, 9, 8, 100, 4_503_599_627_370_497, 7, 123_456, 42, 3, 99] });
export const JSON_HEADERS = { 'content-type': 'application/json' };
