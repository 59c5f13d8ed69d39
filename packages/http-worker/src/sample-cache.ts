import { answerCountsByImage, SampleIndex, type CatalogImage, type LabelAnswer } from '@hotdog-lab/label-store';

/** The data that one `GET /v1/images/sample` needs, built once per label file version and catalog snapshot. */
export interface SampleData {
  index: SampleIndex;
  /** Ids of the images that an annotator has labeled; empty for an unknown annotator. */
  labeledBy(annotator: string): ReadonlySet<string>;
}

const NO_IMAGES: ReadonlySet<string> = new Set();

/**
 * Keeps the sample index and the per-annotator labeled sets of the latest label file version and
 * catalog snapshot. Building them is O(answers + images); with 10,000 images and 5,000 answers that
 * took several milliseconds, which every sample request paid before. Versions are told apart by
 * object identity: the consensus cache and the catalog return the same objects until something changes.
 */
export class SampleCache {
  #version: object | undefined;
  #images: readonly CatalogImage[] | undefined;
  #data: SampleData | undefined;

  /**
   * Returns the sample data for these answers and catalog images. `version` identifies the label
   * file version (the consensus version, or the answers array itself), and `needsMoreLabels` tells
   * which images come first, as `sampleImages` takes it.
   */
  lookup(
    version: object,
    answers: readonly LabelAnswer[],
    images: readonly CatalogImage[],
    needsMoreLabels: ((id: string) => boolean) | undefined,
  ): SampleData {
    if (this.#data !== undefined && this.#version === version && this.#images === images) return this.#data;

    const needs = needsMoreLabels && new Set(images.filter((image) => needsMoreLabels(image.id)).map((image) => image.id));
    const index = new SampleIndex({ images, answerCounts: answerCountsByImage(answers), needsMoreLabels: needs });
    let byAnnotator: Map<string, Set<string>> | undefined;
    const labeledBy = (annotator: string): ReadonlySet<string> => {
      byAnnotator ??= groupImagesByAnnotator(answers);
      return byAnnotator.get(annotator) ?? NO_IMAGES;
    };

    this.#version = version;
    this.#images = images;
    this.#data = { index, labeledBy };
    return this.#data;
  }
}

function groupImagesByAnnotator(answers: readonly LabelAnswer[]): Map<string, Set<string>> {
  const groups = new Map<string, Set<string>>();
  for (const answer of answers) {
    const images = groups.get(answer.annotator);
    if (images) images.add(answer.image);
    else groups.set(answer.annotator, new Set([answer.image]));
  }
  return groups;
}
