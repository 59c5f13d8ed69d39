import type { LabelAnswer, LabelClient, LabelReceipt } from './label-client.js';
import { WorkerRequestError } from './worker-request-error.js';

/** Attempts of one POST /v1/labels: the first one and up to three retries. */
export const MAX_SEND_ATTEMPTS = 4;

/** Wait before the first retry; it doubles for each further retry (0.5 s, 1 s, 2 s). */
const FIRST_RETRY_DELAY_MS = 500;

export interface SendLabelsOptions {
  /** Receives one line per retry, without a trailing newline. */
  log: (line: string) => void;
  /** Waits between attempts; tests may pass a faster one. */
  sleep?: (milliseconds: number) => Promise<void>;
}

/**
 * Sends the answers of a session, retrying a network failure, a timeout or a 5xx response with
 * exponential backoff. Every attempt sends the same answerIds, so an attempt that the worker
 * recorded before its response was lost comes back as duplicates, not as second records.
 * Throws the last WorkerRequestError when every attempt fails, and the first one that is not
 * worth retrying (such as a 400 for an unknown image) at once.
 */
export async function sendLabelsWithRetry(
  client: LabelClient,
  annotator: string,
  answers: readonly LabelAnswer[],
  options: SendLabelsOptions,
): Promise<LabelReceipt> {
  const sleep = options.sleep ?? wait;

  for (let attempt = 1; ; attempt += 1) {
    try {
      return await client.postLabels(annotator, answers);
    } catch (error) {
      if (!(error instanceof WorkerRequestError) || !isRetryable(error) || attempt >= MAX_SEND_ATTEMPTS) {
        throw error;
      }
      const delayMs = FIRST_RETRY_DELAY_MS * 2 ** (attempt - 1);
      options.log(
        `sending ${answers.length} answers failed: ${error.message}; retry ${attempt} of ${MAX_SEND_ATTEMPTS - 1} in ${delayMs / 1000} s with the same answer ids`,
      );
      await sleep(delayMs);
    }
  }
}

/** Returns true for failures that a later attempt may not meet: no response, a timeout, or a 5xx status. */
export function isRetryable(error: WorkerRequestError): boolean {
  if (error.code === 'WORKER_UNREACHABLE' || error.code === 'WORKER_TIMEOUT') {
    return true;
  }
  return error.status !== undefined && error.status >= 500;
}

function wait(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
