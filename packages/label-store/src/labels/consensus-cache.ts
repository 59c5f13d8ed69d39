import { computeConsensus } from '../consensus/compute-consensus.js';
import type { ConsensusOptions, ConsensusResult, GoldLabels, ImageConsensus } from '../consensus/consensus-types.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { GOLD_LABELS_KEY, loadGoldLabels } from './gold-labels.js';
import type { LabelAnswer } from './label-csv.js';
import type { LabelFile } from './label-file.js';

/**
 * Time for which one check of the gold file is reused. The file changes only when an operator
 * uploads it, so a few seconds of delay cost nothing, and the check adds one HEAD per period
 * instead of one per request.
 */
export const DEFAULT_GOLD_CHECK_INTERVAL_MS = 5_000;

export interface ConsensusCacheOptions {
  /** The label file whose answers are the votes. Its store also holds the gold file. */
  labelFile: LabelFile;
  /** Gold labels that do not come from the store, such as the demo set's. The gold file wins where both name an image. */
  fixedGold?: GoldLabels;
  /** Key of the gold label file; defaults to `GOLD_LABELS_KEY`. */
  goldKey?: string;
  /** Milliseconds for which a check of the gold file is reused; 0 checks on every call. Defaults to `DEFAULT_GOLD_CHECK_INTERVAL_MS`. */
  goldCheckIntervalMs?: number;
  /** Thresholds and model bounds passed to `computeConsensus`. */
  consensus?: Omit<ConsensusOptions, 'gold'>;
  /**
   * Receives each failure to check or read the gold file (a `GoldFileFormatError` or a
   * `StorageError`), once per distinct failure message. The cache then goes on with the gold labels it had.
   */
  onGoldError?: (error: unknown, key: string) => void;
  /** Clock in milliseconds, for tests; defaults to `Date.now`. */
  now?: () => number;
}

/** The consensus of one version of the label file and the gold labels. */
export interface ConsensusVersion {
  /** ETag of the label file version, `undefined` while the file does not exist. */
  labelEtag: string | undefined;
  answers: readonly LabelAnswer[];
  /** The gold labels in use: `fixedGold` merged with the gold file. */
  gold: GoldLabels;
  result: ConsensusResult;
  /** Consensus of an image by id, or `undefined` for an image without votes. */
  image(id: string): ImageConsensus | undefined;
  /**
   * Tells whether an image needs more labels: as its consensus marks it, and for an image without
   * votes unless it is gold, because nothing is known about it yet.
   */
  needsMoreLabels(id: string): boolean;
}

/** Counters of a `ConsensusCache`. */
export interface ConsensusCacheStats {
  /** Calls of `current()`. */
  reads: number;
  /** Runs of `computeConsensus`. */
  computations: number;
}

/**
 * Computes the consensus of the label file at most once per version: once per label file ETag
 * and gold file ETag. Each `current()` call costs one HEAD of the label file (the label file's own
 * cache) and, at most once per `goldCheckIntervalMs`, one HEAD of the gold file, plus a GET of
 * either file when its ETag changed.
 *
 * Concurrent calls share one refresh, so a call made while a refresh runs receives that
 * refresh's result, which may miss an answer recorded in the meantime.
 */
export class ConsensusCache {
  readonly #labelFile: LabelFile;
  readonly #fixedGold: GoldLabels;
  readonly #goldKey: string;
  readonly #goldCheckIntervalMs: number;
  readonly #options: Omit<ConsensusOptions, 'gold'>;
  readonly #onGoldError: ((error: unknown, key: string) => void) | undefined;
  readonly #now: () => number;
  readonly #stats: ConsensusCacheStats = { reads: 0, computations: 0 };

  #gold: { etag: string | undefined; labels: GoldLabels; checkedAt: number } | undefined;
  /** The last reported gold failure, so that a bad file is not reported again on every check. */
  #reportedGoldFailure: string | undefined;
  #cached: { key: string; version: ConsensusVersion } | undefined;
  #refreshing: Promise<ConsensusVersion> | undefined;

  /** @throws InvalidArgumentError for a `goldCheckIntervalMs` that is not a non-negative integer. */
  constructor(options: ConsensusCacheOptions) {
    this.#labelFile = options.labelFile;
    this.#fixedGold = options.fixedGold ?? new Map();
    this.#goldKey = options.goldKey ?? GOLD_LABELS_KEY;
    this.#goldCheckIntervalMs = options.goldCheckIntervalMs ?? DEFAULT_GOLD_CHECK_INTERVAL_MS;
    this.#options = options.consensus ?? {};
    this.#onGoldError = options.onGoldError;
    this.#now = options.now ?? Date.now;
    if (!Number.isSafeInteger(this.#goldCheckIntervalMs) || this.#goldCheckIntervalMs < 0) {
      throw new InvalidArgumentError('goldCheckIntervalMs', `goldCheckIntervalMs must be a non-negative integer, got ${this.#goldCheckIntervalMs}`);
    }
  }

  /** A copy of the counters. */
  get stats(): ConsensusCacheStats {
    return { ...this.#stats };
  }

  /**
   * Returns the consensus of the current label file and gold labels, computed again only when
   * either changed.
   *
   * @throws LabelFileFormatError when the label file is malformed.
   * @throws StorageError when the label file cannot be read.
   */
  async current(): Promise<ConsensusVersion> {
    this.#stats.reads += 1;
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refresh(): Promise<ConsensusVersion> {
    const [{ etag, answers }, gold] = await Promise.all([this.#labelFile.readVersion(), this.#currentGold()]);
    const key = JSON.stringify([etag ?? null, gold.etag ?? null]);
    if (this.#cached?.key === key) return this.#cached.version;

    this.#stats.computations += 1;
    const result = computeConsensus(answers, { ...this.#options, gold: gold.labels });
    const version = createVersion(etag, answers, gold.labels, result);
    this.#cached = { key, version };
    return version;
  }

  async #currentGold(): Promise<{ etag: string | undefined; labels: GoldLabels }> {
    const now = this.#now();
    const known = this.#gold;
    if (known !== undefined && now - known.checkedAt < this.#goldCheckIntervalMs) return known;

    try {
      const info = await this.#labelFile.store.head(this.#goldKey);
      if (known !== undefined && info?.etag === known.etag) {
        this.#gold = { ...known, checkedAt: now };
        return this.#gold;
      }

      const file = info === undefined ? undefined : await loadGoldLabels(this.#labelFile.store, this.#goldKey);
      const labels = new Map([...this.#fixedGold, ...(file?.labels ?? [])]);
      this.#gold = { etag: file?.etag, labels, checkedAt: now };
      return this.#gold;
    } catch (error) {
      this.#reportGoldFailure(error);
      // Keep what was known; without an earlier version, use the fixed labels alone until the next check.
      this.#gold = known === undefined ? { etag: undefined, labels: this.#fixedGold, checkedAt: now } : { ...known, checkedAt: now };
      return this.#gold;
    }
  }

  #reportGoldFailure(error: unknown): void {
    const description = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (this.#reportedGoldFailure === description) return;
    this.#reportedGoldFailure = description;
    this.#onGoldError?.(error, this.#goldKey);
  }
}

function createVersion(labelEtag: string | undefined, answers: readonly LabelAnswer[], gold: GoldLabels, result: ConsensusResult): ConsensusVersion {
  const byImage = new Map(result.images.map((image) => [image.image, image]));
  return {
    labelEtag,
    answers,
    gold,
    result,
    image: (id) => byImage.get(id),
    needsMoreLabels: (id) => byImage.get(id)?.needsMoreLabels ?? !gold.has(id),
  };
}
