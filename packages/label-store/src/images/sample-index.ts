import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type { CatalogImage } from './catalog.js';
import { DEFAULT_SAMPLE_COUNT, MAX_SAMPLE_COUNT, type ImageSample } from './sample.js';

/** Input of a `SampleIndex`: one version of the catalog and of the label file. */
export interface SampleIndexInput {
  images: readonly CatalogImage[];
  /** Answers recorded so far per image id; a missing id has none. */
  answerCounts: ReadonlyMap<string, number>;
  /** Ids of the images whose label is not settled yet; when given, they come first. */
  needsMoreLabels?: ReadonlySet<string>;
}

/** One annotator's request for a sample. */
export interface SampleRequest {
  /** Ids of the images that this annotator has already labeled. */
  labeledByAnnotator: ReadonlySet<string>;
  /** Images to return, from 1 to `MAX_SAMPLE_COUNT`; defaults to `DEFAULT_SAMPLE_COUNT`. */
  count?: number;
  /** Returns numbers in [0, 1), as `Math.random` does. */
  random?: () => number;
}

/**
 * Random draws per needed image before a group is filtered instead. Draws are rejected only for
 * labeled or already chosen images, which is rare unless the annotator labeled most of the group.
 */
const DRAWS_PER_NEEDED_IMAGE = 4;

/**
 * The images of one catalog version grouped as `sampleImages` groups them, so that many samples
 * of the same version cost O(count + labeled) each instead of O(n).
 *
 * `sample` returns what `sampleImages` returns for the same input: distinct images that the
 * annotator has not labeled, images needing labels first, then the fewest answers, at random among
 * equals, in random order, and `remaining` unlabeled images. Within a group it draws random
 * positions and rejects labeled or repeated ones, which keeps every unlabeled image equally likely,
 * and it filters the group instead when the draws keep hitting labeled images.
 *
 * Cost: building is O(n) plus sorting the distinct answer counts. A sample is
 * O(count + labeledByAnnotator.size), or O(group size) for a group that the annotator has mostly labeled.
 */
export class SampleIndex {
  /** Groups in the order in which samples take them: tier, then fewest answers. */
  readonly #groups: readonly CatalogImage[][];
  readonly #ids: ReadonlySet<string>;

  constructor(input: SampleIndexInput) {
    const preferred = new Map<number, CatalogImage[]>();
    const others = new Map<number, CatalogImage[]>();
    const ids = new Set<string>();

    for (const image of input.images) {
      if (ids.has(image.id)) continue;
      ids.add(image.id);

      // A count that is not a finite positive number (NaN, negative) counts as no answers.
      const recorded = input.answerCounts.get(image.id) ?? 0;
      const answers = Number.isFinite(recorded) && recorded > 0 ? recorded : 0;
      const tier = input.needsMoreLabels === undefined || input.needsMoreLabels.has(image.id) ? preferred : others;
      const group = tier.get(answers);
      if (group) group.push(image);
      else tier.set(answers, [image]);
    }

    this.#groups = [preferred, others].flatMap((tier) => [...tier.keys()].sort((a, b) => a - b).map((answers) => tier.get(answers)!));
    this.#ids = ids;
  }

  /** Distinct images in the index. */
  get size(): number {
    return this.#ids.size;
  }

  /**
   * Picks a sample for one annotator, without changing the index.
   *
   * @throws InvalidArgumentError when `count` is not a whole number from 1 to `MAX_SAMPLE_COUNT`, or
   *   `random()` returns a number outside [0, 1).
   */
  sample(request: SampleRequest): ImageSample {
    const count = request.count ?? DEFAULT_SAMPLE_COUNT;
    if (!Number.isInteger(count) || count < 1 || count > MAX_SAMPLE_COUNT) {
      throw new InvalidArgumentError(
        'count',
        `sample count must be a whole number from 1 to ${MAX_SAMPLE_COUNT}, got ${count}; ask for fewer images per request`,
      );
    }
    const random = request.random ?? Math.random;
    const labeled = request.labeledByAnnotator;

    let labeledHere = 0;
    for (const id of labeled) if (this.#ids.has(id)) labeledHere++;

    const picked: CatalogImage[] = [];
    for (const group of this.#groups) {
      if (picked.length >= count) break;
      pickUnlabeled(group, count - picked.length, labeled, random, picked);
    }

    // The groups were taken in order of answer count; shuffling hides that order from the page.
    shuffle(picked, random);
    return { images: picked, remaining: this.#ids.size - labeledHere };
  }
}

/** Appends up to `needed` random images of `group` that are not in `labeled` to `picked`. */
function pickUnlabeled(
  group: readonly CatalogImage[],
  needed: number,
  labeled: ReadonlySet<string>,
  random: () => number,
  picked: CatalogImage[],
): void {
  const chosen = new Set<number>();
  const maxDraws = DRAWS_PER_NEEDED_IMAGE * needed + 16;
  for (let draw = 0; draw < maxDraws && chosen.size < needed && chosen.size < group.length; draw++) {
    const position = Math.floor(randomFraction(random) * group.length);
    const image = group[position] as CatalogImage;
    if (chosen.has(position) || labeled.has(image.id)) continue;
    chosen.add(position);
    picked.push(image);
  }
  if (chosen.size >= needed) return;

  // Too many draws hit labeled or chosen images: pick the rest from the filtered group.
  const rest = group.filter((image, position) => !chosen.has(position) && !labeled.has(image.id));
  const more = Math.min(needed - chosen.size, rest.length);
  for (let index = 0; index < more; index++) {
    const swapWith = index + Math.floor(randomFraction(random) * (rest.length - index));
    [rest[index], rest[swapWith]] = [rest[swapWith] as CatalogImage, rest[index] as CatalogImage];
    picked.push(rest[index] as CatalogImage);
  }
}

/** Shuffles in place with Fisher-Yates. */
function shuffle(images: CatalogImage[], random: () => number): void {
  for (let index = images.length - 1; index > 0; index--) {
    const swapWith = Math.floor(randomFraction(random) * (index + 1));
    [images[index], images[swapWith]] = [images[swapWith] as CatalogImage, images[index] as CatalogImage];
  }
}

function randomFraction(random: () => number): number {
  const value = random();
  if (!(value >= 0 && value < 1)) {
    throw new InvalidArgumentError('random', `random() must return a number in [0, 1) as Math.random does, got ${value}`);
  }
  return value;
}
