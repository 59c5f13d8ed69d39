import type { LabelAnswer } from './label-csv.js';

/** The fields of an answer that the summary uses. */
export type SummarizedAnswer = Pick<LabelAnswer, 'image' | 'label' | 'annotator'>;

/** Agreement on one image. */
export interface ImageSummary {
  image: string;
  /** All answers for the image, counting every answer of an annotator who answered more than once. */
  answers: number;
  hotDog: number;
  notHotDog: number;
  /** The more frequent label, or `tie` when both are equally frequent. */
  majority: 1 | 0 | 'tie';
  /** Share of the image's answers equal to the majority, in (0.5, 1]; exactly 0.5 for a tie. */
  agreement: number;
}

/** Totals over all images. */
export interface OverallSummary {
  answers: number;
  images: number;
  /** Distinct annotator names, compared exactly as stored. */
  annotators: number;
  /**
   * Share of all answers that equal their image's majority. Half of a tied image's answers count
   * as agreeing, so this is the answer-weighted mean of the images' agreement. `null` when there
   * are no answers, because no share exists.
   */
  agreement: number | null;
}

export interface LabelSummary {
  overall: OverallSummary;
  /** One entry per image, ordered by image id. */
  images: ImageSummary[];
}

/**
 * Summarizes answers per image and overall: counts, majority label and agreement. Pure; O(n log n)
 * for n answers because of the ordering by image id.
 */
export function summarizeLabels(answers: readonly SummarizedAnswer[]): LabelSummary {
  const hotDogByImage = new Map<string, number>();
  const totalByImage = new Map<string, number>();
  const annotators = new Set<string>();

  for (const answer of answers) {
    totalByImage.set(answer.image, (totalByImage.get(answer.image) ?? 0) + 1);
    hotDogByImage.set(answer.image, (hotDogByImage.get(answer.image) ?? 0) + (answer.label === 1 ? 1 : 0));
    annotators.add(answer.annotator);
  }

  const images = [...totalByImage.keys()].sort().map((image) => {
    const total = totalByImage.get(image) as number;
    return summarizeImage(image, hotDogByImage.get(image) ?? 0, total - (hotDogByImage.get(image) ?? 0));
  });

  // The sum of majority counts, with a tie counting half of its answers, over all answers.
  const agreeing = images.reduce(
    (sum, image) => sum + (image.majority === 'tie' ? image.answers / 2 : Math.max(image.hotDog, image.notHotDog)),
    0,
  );
  return {
    overall: {
      answers: answers.length,
      images: images.length,
      annotators: annotators.size,
      agreement: answers.length === 0 ? null : agreeing / answers.length,
    },
    images,
  };
}

function summarizeImage(image: string, hotDog: number, notHotDog: number): ImageSummary {
  const answers = hotDog + notHotDog;
  if (hotDog === notHotDog) {
    return { image, answers, hotDog, notHotDog, majority: 'tie', agreement: 0.5 };
  }

  const majority = hotDog > notHotDog ? 1 : 0;
  return { image, answers, hotDog, notHotDog, majority, agreement: Math.max(hotDog, notHotDog) / answers };
}

/** Counts the answers per image id. */
export function answerCountsByImage(answers: readonly Pick<LabelAnswer, 'image'>[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const answer of answers) counts.set(answer.image, (counts.get(answer.image) ?? 0) + 1);
  return counts;
}

/** Returns the ids of the images that `annotator` answered, comparing names exactly. */
export function imagesLabeledBy(answers: readonly Pick<LabelAnswer, 'image' | 'annotator'>[], annotator: string): Set<string> {
  const images = new Set<string>();
  for (const answer of answers) {
    if (answer.annotator === annotator) images.add(answer.image);
  }
  return images;
}
