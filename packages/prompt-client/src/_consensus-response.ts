import { isCount, isRecord } from './_worker-http.js';

/** Consensus on one image, as `GET /v1/labels/consensus` returns it. */
export interface ConsensusImage {
  image: string;
  answers: number;
  hotDog: number;
  notHotDog: number;
  /** Distinct annotators who voted on the image. */
  annotators: number;
  majority: 1 | 0 | 'tie';
  /** Share of the votes equal to the majority, from 0.5 to 1. */
  voteShare: number;
  /** The consolidated label. */
  label: 1 | 0;
  /** Posterior probability of `label`, from 0.5 to 1. */
  confidence: number;
  /** The known true label, or null when the image is not gold. */
  gold: 1 | 0 | null;
  needsMoreLabels: boolean;
}

/** The model's and the gold images' view of one annotator. */
export interface ConsensusAnnotator {
  annotator: string;
  answers: number;
  /** Estimated share of correct answers, from 0 to 1. */
  accuracy: number;
  goldAnswers: number;
  /** Share of correct answers on gold images, or null without any. */
  goldAccuracy: number | null;
}

export interface ConsensusReport {
  overall: { answers: number; images: number; annotators: number; needsMoreLabels: number; agreement: number | null };
  images: ConsensusImage[];
  annotators: ConsensusAnnotator[];
}

/** Checks the parts of a consensus body that the client reads; other fields are ignored. */
export function isConsensusReport(value: unknown): value is ConsensusReport {
  if (!isRecord(value) || !Array.isArray(value.images) || !Array.isArray(value.annotators)) {
    return false;
  }
  const overall = value.overall;
  return (
    isRecord(overall) &&
    isCount(overall.answers) &&
    isCount(overall.images) &&
    isCount(overall.annotators) &&
    isCount(overall.needsMoreLabels) &&
    isShareOrNull(overall.agreement) &&
    value.images.every(isConsensusImage) &&
    value.annotators.every(isConsensusAnnotator)
  );
}

function isConsensusImage(value: unknown): value is ConsensusImage {
  return (
    isRecord(value) &&
    typeof value.image === 'string' &&
    /^[0-9a-f]{64}$/.test(value.image) &&
    isCount(value.answers) &&
    isCount(value.hotDog) &&
    isCount(value.notHotDog) &&
    isCount(value.annotators) &&
    (value.majority === 1 || value.majority === 0 || value.majority === 'tie') &&
    isShare(value.voteShare) &&
    (value.label === 1 || value.label === 0) &&
    isShare(value.confidence) &&
    (value.gold === 1 || value.gold === 0 || value.gold === null) &&
    typeof value.needsMoreLabels === 'boolean'
  );
}

function isConsensusAnnotator(value: unknown): value is ConsensusAnnotator {
  return (
    isRecord(value) &&
    typeof value.annotator === 'string' &&
    isCount(value.answers) &&
    isShare(value.accuracy) &&
    isCount(value.goldAnswers) &&
    isShareOrNull(value.goldAccuracy)
  );
}

function isShare(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= 1;
}

function isShareOrNull(value: unknown): value is number | null {
  return value === null || isShare(value);
}
