import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type { CatalogImage } from './catalog.js';

/** Images per sample when `count` is not given: one screen of the labeling page. */
export const DEFAULT_SAMPLE_COUNT = 4;

/** Largest `count`: a sample is one page of work, and a larger one would hand out images that other annotators need. */
export const MAX_SAMPLE_COUNT = 50;

export interface SampleImagesInput {
  /** The images to choose from, such as `catalog.list()`. */
  images: readonly CatalogImage[];
  /** Answers recorded so far per image id; a missing id has none. */
  answerCounts: ReadonlyMap<string, number>;
  /** Ids of the images that this annotator has already labeled. */
  labeledByAnnotator: ReadonlySet<string>;
  /**
   * Ids of the images whose label is not settled yet, such as those that a consensus marks
   * `needsMoreLabels`. When given, these images come before all others, and the fewest answers
   * decide within each of the two tiers.
   */
  needsMoreLabels?: ReadonlySet<string>;
  /** Images to return, from 1 to `MAX_SAMPLE_COUNT`; defaults to `DEFAULT_SAMPLE_COUNT`. */
  count?: number;
  /** Returns numbers in [0, 1), as `Math.random` does; pass a seeded generator for reproducible samples. */
  random?: () => number;
}

export interface ImageSample {
  /** Distinct images in random order; fewer than `count` when fewer are left, and empty when none are. */
  images: CatalogImage[];
  /** Images that this annotator has not labeled yet, including the ones in this sample. */
  remaining: number;
}

/**
 * Picks images for an annotator: never one that the annotator has already labeled, preferring
 * the images in `needsMoreLabels` (when given), then the images with the fewest answers, and at
 * random among images that are equal in both.
 *
 * Cost: O(n) for n images. One pass groups the unlabeled images by tier and answer count. The
 * groups are then taken tier by tier and lowest count first, each found by a scan of the
 * distinct counts, at most `count` times. A partial Fisher-Yates shuffle picks at random within
 * the last group taken. Nothing sorts the images, and the input collections are not modified.
 *
 * @throws InvalidArgumentError when `count` is not a whole number from 1 to `MAX_SAMPLE_COUNT`.
 */
export function sampleImages(input: SampleImagesInput): ImageSample {
  const count = validateCount(input.count ?? DEFAULT_SAMPLE_COUNT);
  const random = input.random ?? Math.random;

  const tiers = groupByTierAndAnswerCount(input);
  let remaining = 0;
  for (const groups of tiers) for (const group of groups.values()) remaining += group.length;

  const picked: CatalogImage[] = [];
  for (const groups of tiers) {
    while (picked.length < count && groups.size > 0) {
      const lowest = lowestKey(groups);
      const group = groups.get(lowest) as CatalogImage[];
      groups.delete(lowest);
      picked.push(...pickRandom(group, count - picked.length, random));
    }
  }

  // The groups were taken in order of answer count; shuffling hides that order from the page.
  return { images: pickRandom(picked, picked.length, random), remaining };
}

/** Returns the images that need more labels grouped by answer count, then all others grouped likewise. */
function groupByTierAndAnswerCount({ images, answerCounts, labeledByAnnotator, needsMoreLabels }: SampleImagesInput): [Map<number, CatalogImage[]>, Map<number, CatalogImage[]>] {
  const preferred = new Map<number, CatalogImage[]>();
  const others = new Map<number, CatalogImage[]>();
  const seen = new Set<string>();

  for (const image of images) {
    if (labeledByAnnotator.has(image.id) || seen.has(image.id)) continue;
    seen.add(image.id);

    // A count that is not a finite positive number (NaN, negative) counts as no answers.
    const recorded = answerCounts.get(image.id) ?? 0;
    const answers = Number.isFinite(recorded) && recorded > 0 ? recorded : 0;
    // Without the set, every image is in the first tier, so only the answer counts decide.
    const groups = needsMoreLabels === undefined || needsMoreLabels.has(image.id) ? preferred : others;
    const group = groups.get(answers);
    if (group) group.push(image);
    else groups.set(answers, [image]);
  }
  return [preferred, others];
}

function lowestKey(groups: Map<number, unknown>): number {
  let lowest = Infinity;
  for (const key of groups.keys()) if (key < lowest) lowest = key;
  return lowest;
}

/**
 * Picks `wanted` elements of `group` uniformly at random by running the first `wanted` steps of a
 * Fisher-Yates shuffle. Shuffles `group` in place, which is a private array here.
 */
function pickRandom(group: CatalogImage[], wanted: number, random: () => number): CatalogImage[] {
  const pickCount = Math.min(wanted, group.length);
  for (let index = 0; index < pickCount; index++) {
    const swapWith = index + Math.floor(randomFraction(random) * (group.length - index));
    [group[index], group[swapWith]] = [group[swapWith] as CatalogImage, group[index] as CatalogImage];
  }
  return group.slice(0, pickCount);
}

function randomFraction(random: () => number): number {
  const value = random();
  if (!(value >= 0 && value < 1)) {
    throw new InvalidArgumentError('random', `random() must return a number in [0, 1) as Math.random does, got ${value}`);
  }
  return value;
}

function validateCount(count: number): number {
  if (!Number.isInteger(count) || count < 1 || count > MAX_SAMPLE_COUNT) {
    throw new InvalidArgumentError(
      'count',
      `sample count must be a whole number from 1 to ${MAX_SAMPLE_COUNT}, got ${count}; ask for fewer images per request`,
    );
  }
  return count;
}
