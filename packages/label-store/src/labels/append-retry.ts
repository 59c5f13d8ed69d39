import { InvalidArgumentError } from '../errors/invalid-argument-error.js';

// Measured with SeaweedFS 4.48 on 127.0.0.1, 2-core machine: a conditional put of a 50 KB file
// takes 5 to 15 ms, and the losers of up to 3 concurrent conditional puts on one key get their
// 412 as fast, but with 5 to 10 concurrent puts SeaweedFS delays the losers' 412 by 1, 2 or 3 s.
// Each LabelFile has at most one write in flight, so there are as many concurrent puts as processes.
// With test/labels/label-file-processes.test.ts (LABEL_APPEND_BENCH=1), the most attempts that
// one batch needed were 3 with 3 processes, 7 with 6 and 8 with 10.

/**
 * Default write attempts per batch, including the first: twice the 8 attempts measured with 10
 * busy processes, because a failed append makes the client send its answers again.
 */
export const DEFAULT_MAX_ATTEMPTS = 16;

/**
 * Default time after which a batch stops retrying, in milliseconds. It covers 16 attempts with
 * at most 10.3 s of backoff (about 5 s on average) plus several 1 to 3 s delays by SeaweedFS, and stays
 * below common HTTP client timeouts of 60 s.
 */
export const DEFAULT_MAX_DURATION_MS = 30_000;

/** Default first backoff cap, in milliseconds: about two uncontended put times, so a lost race retries at once. */
export const DEFAULT_BASE_DELAY_MS = 20;

/** Default largest backoff cap, in milliseconds: the 1 s step by which SeaweedFS delays losers. */
export const DEFAULT_MAX_DELAY_MS = 1_000;

/**
 * Attempts that may fail with a storage error (not a conflict) before the batch fails. The S3
 * client already retries each request, so three whole read-and-write rounds are enough to ride out
 * a short outage without hiding a long one.
 */
export const MAX_STORAGE_FAILURES = 3;

/** Bounds and randomness of the backoff between write attempts. */
export interface RetryPolicy {
  maxAttempts: number;
  maxDurationMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Returns a number in [0, 1), like Math.random. */
  random: () => number;
}

/**
 * Fills in the defaults and checks the bounds.
 *
 * @throws InvalidArgumentError naming the option that is not a non-negative integer (positive for maxAttempts).
 */
export function resolveRetryPolicy(options: Partial<RetryPolicy>): RetryPolicy {
  const policy: RetryPolicy = {
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    maxDurationMs: options.maxDurationMs ?? DEFAULT_MAX_DURATION_MS,
    baseDelayMs: options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS,
    maxDelayMs: options.maxDelayMs ?? Math.max(DEFAULT_MAX_DELAY_MS, options.baseDelayMs ?? 0),
    random: options.random ?? Math.random,
  };

  for (const name of ['maxAttempts', 'maxDurationMs', 'baseDelayMs', 'maxDelayMs'] as const) {
    const value = policy[name];
    const minimum = name === 'maxAttempts' ? 1 : 0;
    if (!Number.isSafeInteger(value) || value < minimum) {
      throw new InvalidArgumentError(name, `${name} must be an integer of at least ${minimum}, got ${String(value)}`);
    }
  }
  if (policy.maxDelayMs < policy.baseDelayMs) {
    throw new InvalidArgumentError(
      'maxDelayMs',
      `maxDelayMs (${policy.maxDelayMs}) must be at least baseDelayMs (${policy.baseDelayMs})`,
    );
  }
  if (typeof policy.random !== 'function') {
    throw new InvalidArgumentError('random', 'random must be a function returning a number in [0, 1), like Math.random');
  }
  return policy;
}

/**
 * Returns the wait before retrying after failed attempt `attempt` (1-based), in milliseconds:
 * a random share of `min(maxDelayMs, baseDelayMs * 2^(attempt - 1))` ("full jitter"), so that
 * writers which lost the same race spread out instead of colliding again.
 */
export function backoffDelayMs(policy: RetryPolicy, attempt: number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt - 1, 30));
  const share = Math.min(Math.max(policy.random(), 0), 1);
  return Math.round(cap * share);
}
