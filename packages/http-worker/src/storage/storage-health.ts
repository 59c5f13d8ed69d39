import type { ObjectStore } from '@hotdog-lab/label-store';
import type { Logger } from '../logger.js';
import type { MonitoredStore } from './monitored-store.js';

/** Time a readiness probe may take before the store counts as unavailable. */
export const PROBE_TIMEOUT_MS = 2_000;

/** A probe result is reused for this long, so frequent health checks cost one store call. */
export const PROBE_MAX_AGE_MS = 5_000;

/** Failed store calls in the recent window below which the error share is not judged. */
export const MIN_RECENT_ERRORS = 5;

/** Share of failed store calls in the recent window at which the worker reports itself unready. */
export const MAX_RECENT_ERROR_SHARE = 0.5;

/** Key read by the probe. A missing object counts as healthy, because the store responded. */
export const PROBE_KEY = 'labels/labels.csv';

export interface StorageStatus {
  ready: boolean;
  /** Reason the worker is not ready, for the 503 body. */
  reason?: string;
  probe: { ok: boolean; latencyMs: number; checkedAt: string; error?: string };
  recent: { ok: number; errors: number; windowSeconds: number };
}

interface ProbeResult {
  ok: boolean;
  latencyMs: number;
  checkedAt: number;
  error?: string;
}

/**
 * Judges whether the store works: a HEAD of `labels/labels.csv` with a 2 s timeout, at most once
 * per 5 s, plus the share of failed store calls in the last 30 s.
 */
export class StorageHealth {
  readonly #store: ObjectStore;
  readonly #monitor: MonitoredStore;
  readonly #logger: Logger;
  #last: ProbeResult | undefined;
  #running: Promise<ProbeResult> | undefined;

  constructor(store: ObjectStore, monitor: MonitoredStore, logger: Logger) {
    this.#store = store;
    this.#monitor = monitor;
    this.#logger = logger;
  }

  async status(windowSeconds: number): Promise<StorageStatus> {
    const probe = await this.#probe();
    const recent = this.#monitor.recent();
    const total = recent.ok + recent.errors;
    const errorShare = total === 0 ? 0 : recent.errors / total;

    let reason: string | undefined;
    if (!probe.ok) {
      reason = `storage probe failed: ${probe.error ?? 'unknown error'}`;
    } else if (recent.errors >= MIN_RECENT_ERRORS && errorShare >= MAX_RECENT_ERROR_SHARE) {
      reason = `${recent.errors} of ${total} storage calls in the last ${windowSeconds} s failed`;
    }

    return {
      ready: reason === undefined,
      ...(reason !== undefined && { reason }),
      probe: { ok: probe.ok, latencyMs: probe.latencyMs, checkedAt: new Date(probe.checkedAt).toISOString(), ...(probe.error && { error: probe.error }) },
      recent: { ...recent, windowSeconds },
    };
  }

  #probe(): Promise<ProbeResult> {
    if (this.#last && Date.now() - this.#last.checkedAt < PROBE_MAX_AGE_MS) {
      return Promise.resolve(this.#last);
    }
    this.#running ??= this.#probeOnce().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #probeOnce(): Promise<ProbeResult> {
    const startedAt = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`HEAD ${PROBE_KEY} timed out after ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    });

    let result: ProbeResult;
    try {
      await Promise.race([this.#store.head(PROBE_KEY), timeout]);
      result = { ok: true, latencyMs: Date.now() - startedAt, checkedAt: Date.now() };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result = { ok: false, latencyMs: Date.now() - startedAt, checkedAt: Date.now(), error: message };
      this.#logger.warn({ err: error, key: PROBE_KEY, store: this.#store.description }, 'storage readiness probe failed');
    } finally {
      clearTimeout(timer);
    }
    this.#last = result;
    return result;
  }
}
