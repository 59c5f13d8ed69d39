/**
 * Upper bounds of the request latency histogram, in seconds: stats responses take well under a
 * millisecond, label appends tens of milliseconds, and uploads or a slow store seconds.
 */
export const LATENCY_BUCKETS_SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** Label value for requests that matched no route, so unknown paths cannot grow the series without bound. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Values read at scrape time from the parts of the worker that keep their own counters. */
export interface MetricSources {
  transactionLog: { written: number; retries: number; failed: number; dropped: number; pending: number; spilled: number; recovered: number; spoolBytes: number };
  labelFile: { writes: number; rowsWritten: number; duplicates: number; conflicts: number; retries: number; failures: number };
  storageCalls: ReadonlyMap<string, number>;
  storageReady: boolean | undefined;
}

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

/**
 * The worker's Prometheus metrics: request counts and latency by route, method and status, plus
 * counters kept here (upload rejections, rate-limited requests) and values read from `MetricSources`.
 * `render` writes the Prometheus text exposition format, version 0.0.4.
 */
export class WorkerMetrics {
  readonly #requests = new Map<string, Histogram>();
  readonly #uploadRejections = new Map<string, number>();
  readonly #rateLimited = new Map<string, number>();

  observeRequest(route: string, method: string, status: number, seconds: number): void {
    const key = labels({ route, method, status: String(status) });
    let histogram = this.#requests.get(key);
    if (!histogram) {
      histogram = { counts: LATENCY_BUCKETS_SECONDS.map(() => 0), sum: 0, count: 0 };
      this.#requests.set(key, histogram);
    }
    for (let i = 0; i < LATENCY_BUCKETS_SECONDS.length; i += 1) {
      if (seconds <= LATENCY_BUCKETS_SECONDS[i]!) histogram.counts[i]! += 1;
    }
    histogram.sum += seconds;
    histogram.count += 1;
  }

  countUploadRejection(code: string): void {
    increment(this.#uploadRejections, labels({ code }));
  }

  countRateLimited(scope: string): void {
    increment(this.#rateLimited, labels({ scope }));
  }

  render(sources: MetricSources): string {
    const out: string[] = [];

    out.push('# HELP hotdog_http_requests_total HTTP requests by route, method and status.', '# TYPE hotdog_http_requests_total counter');
    for (const [key, histogram] of this.#requests) out.push(`hotdog_http_requests_total{${key}} ${histogram.count}`);

    out.push('# HELP hotdog_http_request_duration_seconds Time from request arrival to the end of the handler.', '# TYPE hotdog_http_request_duration_seconds histogram');
    for (const [key, histogram] of this.#requests) {
      LATENCY_BUCKETS_SECONDS.forEach((bound, i) => out.push(`hotdog_http_request_duration_seconds_bucket{${key},le="${bound}"} ${histogram.counts[i]}`));
      out.push(`hotdog_http_request_duration_seconds_bucket{${key},le="+Inf"} ${histogram.count}`);
      out.push(`hotdog_http_request_duration_seconds_sum{${key}} ${histogram.sum}`);
      out.push(`hotdog_http_request_duration_seconds_count{${key}} ${histogram.count}`);
    }

    const log = sources.transactionLog;
    simple(out, 'hotdog_transaction_log_backlog', 'gauge', 'Transaction log records queued in memory or being uploaded.', log.pending);
    simple(out, 'hotdog_transaction_log_spool_bytes', 'gauge', 'Bytes of transaction log spool files on disk, uploaded records included until their segment is deleted.', log.spoolBytes);
    simple(out, 'hotdog_transaction_logs_written_total', 'counter', 'Transaction log objects written to the store.', log.written);
    simple(out, 'hotdog_transaction_log_retries_total', 'counter', 'Retried transaction log uploads.', log.retries);
    simple(out, 'hotdog_transaction_log_failures_total', 'counter', 'Transaction log records given up.', log.failed);
    simple(out, 'hotdog_transaction_logs_dropped_total', 'counter', 'Transaction log records dropped because the queue was full and no spool was configured.', log.dropped);
    simple(out, 'hotdog_transaction_logs_spilled_total', 'counter', 'Transaction log records kept on disk only because the queue in memory was full.', log.spilled);
    simple(out, 'hotdog_transaction_logs_recovered_total', 'counter', 'Transaction log records read back from the spool of an earlier process.', log.recovered);

    const label = sources.labelFile;
    simple(out, 'hotdog_label_append_writes_total', 'counter', 'Successful writes of the label file.', label.writes);
    simple(out, 'hotdog_label_rows_written_total', 'counter', 'Answers added to the label file.', label.rowsWritten);
    simple(out, 'hotdog_label_duplicates_total', 'counter', 'Answers not written again because their answer id was already recorded.', label.duplicates);
    simple(out, 'hotdog_label_append_conflicts_total', 'counter', 'Label file writes that lost to another writer.', label.conflicts);
    simple(out, 'hotdog_label_append_retries_total', 'counter', 'Label file write attempts after a failed one.', label.retries);
    simple(out, 'hotdog_label_append_failures_total', 'counter', 'Label appends that failed for good.', label.failures);

    out.push('# HELP hotdog_upload_rejections_total Rejected image uploads by error code.', '# TYPE hotdog_upload_rejections_total counter');
    for (const [key, value] of this.#uploadRejections) out.push(`hotdog_upload_rejections_total{${key}} ${value}`);

    out.push('# HELP hotdog_rate_limited_total Requests answered 429 by rate limit scope.', '# TYPE hotdog_rate_limited_total counter');
    for (const [key, value] of this.#rateLimited) out.push(`hotdog_rate_limited_total{${key}} ${value}`);

    out.push('# HELP hotdog_storage_calls_total Store calls by operation and outcome.', '# TYPE hotdog_storage_calls_total counter');
    for (const [name, value] of sources.storageCalls) {
      const [operation, outcome] = name.split(':');
      out.push(`hotdog_storage_calls_total{${labels({ operation: operation!, outcome: outcome! })}} ${value}`);
    }
    if (sources.storageReady !== undefined) {
      simple(out, 'hotdog_storage_ready', 'gauge', '1 when the last readiness check found the store working, else 0.', sources.storageReady ? 1 : 0);
    }
    return `${out.join('\n')}\n`;
  }
}

function simple(out: string[], name: string, type: 'counter' | 'gauge', help: string, value: number): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Formats label pairs, escaping backslash, double quote and line feed as the text format requires. */
function labels(pairs: Record<string, string>): string {
  return Object.entries(pairs)
    .map(([name, value]) => `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}
