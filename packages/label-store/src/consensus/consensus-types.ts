/** One answer as the consensus model reads it: who labeled which image, and how. */
export interface ConsensusVote {
  image: string;
  annotator: string;
  /** 1 for hot dog, 0 for not hot dog. */
  label: 0 | 1;
}

/** Known true labels by image id, such as the demo set's manifest or `labels/gold.csv`. */
export type GoldLabels = ReadonlyMap<string, 0 | 1>;

export interface ConsensusOptions {
  /** Images whose true label is known; the model fixes their posterior to that label. */
  gold?: GoldLabels;
  /** Fewest answers an image needs before its label counts as settled; defaults to `DEFAULT_MIN_ANSWERS`. */
  minAnswers?: number;
  /** Lowest confidence at which a label counts as settled, in [0.5, 1]; defaults to `DEFAULT_MIN_CONFIDENCE`. */
  minConfidence?: number;
  /** Most expectation-maximization rounds; defaults to `DEFAULT_MAX_ITERATIONS`. */
  maxIterations?: number;
  /** Largest change of any posterior between two rounds at which the model has converged; defaults to `DEFAULT_TOLERANCE`. */
  tolerance?: number;
}

/** The consensus on one image that has at least one vote. */
export interface ImageConsensus {
  image: string;
  /** Every vote on the image, counting each repeated vote of one annotator. */
  answers: number;
  hotDog: number;
  notHotDog: number;
  /** Distinct annotators who voted on the image. */
  annotators: number;
  /** The more frequent label, or `tie`. */
  majority: 1 | 0 | 'tie';
  /** Share of the votes equal to the majority, in (0.5, 1]; exactly 0.5 for a tie. */
  voteShare: number;
  /** The consolidated label: the more probable class under the model, or the gold label. */
  label: 1 | 0;
  /** Posterior probability of `label`, in [0.5, 1]; 1 for a gold image. */
  confidence: number;
  /** Posterior probability that the image shows a hot dog. */
  hotDogProbability: number;
  /** The known true label, or `null` when the image is not gold. */
  gold: 1 | 0 | null;
  /** True when the image has fewer than `minAnswers` votes or a confidence below `minConfidence`; never for a gold image. */
  needsMoreLabels: boolean;
}

/** What the model and the gold images say about one annotator. */
export interface AnnotatorEstimate {
  annotator: string;
  answers: number;
  /** Estimated probability of answering 1 on a hot dog. */
  sensitivity: number;
  /** Estimated probability of answering 0 on anything else. */
  specificity: number;
  /** Estimated share of correct answers on an image drawn with the class prior: prior * sensitivity + (1 - prior) * specificity. */
  accuracy: number;
  /** Answers on gold images. */
  goldAnswers: number;
  /** Share of the answers on gold images that equal the gold label, or `null` without gold answers. */
  goldAccuracy: number | null;
}

/** Totals over all votes. */
export interface ConsensusOverall {
  answers: number;
  images: number;
  annotators: number;
  /** Images with votes that are gold. */
  goldImages: number;
  needsMoreLabels: number;
  /** Share of all votes equal to their image's majority, a tie counting half; `null` without votes. */
  agreement: number | null;
}

/** The fitted model's global values. */
export interface ConsensusModel {
  /** Estimated share of hot dogs among the voted images. */
  classPrior: number;
  iterations: number;
  /** False when the model stopped at `maxIterations` before the posteriors settled. */
  converged: boolean;
}

export interface ConsensusSettings {
  minAnswers: number;
  minConfidence: number;
  maxIterations: number;
  tolerance: number;
}

export interface ConsensusResult {
  overall: ConsensusOverall;
  model: ConsensusModel;
  settings: ConsensusSettings;
  /** One entry per image with at least one vote, ordered by image id. */
  images: ImageConsensus[];
  /** One entry per annotator, ordered by name (UTF-16 code units). */
  annotators: AnnotatorEstimate[];
}
