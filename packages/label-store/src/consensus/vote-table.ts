import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type { ConsensusVote, GoldLabels } from './consensus-types.js';

/**
 * Votes indexed for the model: images and annotators in a fixed order, each vote as a pair of
 * indexes. Sorted ids make every sum run in the same order, so equal input gives equal output.
 */
export interface VoteTable {
  /** Image ids with at least one vote, sorted by UTF-16 code units. */
  images: string[];
  /** Annotator names, sorted by UTF-16 code units. */
  annotators: string[];
  /** Per vote, ordered by image, annotator and label: the image index, the annotator index and the label. */
  votes: { image: number; annotator: number; label: 0 | 1 }[];
  /** Per image index: the gold label, or `undefined`. */
  gold: (0 | 1 | undefined)[];
}

/**
 * Checks the votes and gold labels and indexes them.
 *
 * @throws InvalidArgumentError naming `votes[i]` and the field for a vote that is not an object
 *   with a non-empty `image` and `annotator` and a `label` of 0 or 1, or naming `gold` for a
 *   gold label other than 0 or 1.
 */
export function buildVoteTable(votes: readonly ConsensusVote[], gold: GoldLabels | undefined): VoteTable {
  if (!Array.isArray(votes)) {
    throw new InvalidArgumentError('votes', `votes must be an array of { image, annotator, label }, got ${typeof votes}`);
  }
  votes.forEach(checkVote);
  const goldLabels = checkGold(gold);

  const images = [...new Set(votes.map((vote) => vote.image))].sort();
  const annotators = [...new Set(votes.map((vote) => vote.annotator))].sort();
  const imageIndex = new Map(images.map((image, index) => [image, index]));
  const annotatorIndex = new Map(annotators.map((annotator, index) => [annotator, index]));

  return {
    images,
    annotators,
    // Sorted so that floating-point sums over the votes do not depend on the input order.
    votes: votes
      .map((vote) => ({
        image: imageIndex.get(vote.image) as number,
        annotator: annotatorIndex.get(vote.annotator) as number,
        label: vote.label,
      }))
      .sort((a, b) => a.image - b.image || a.annotator - b.annotator || a.label - b.label),
    gold: images.map((image) => goldLabels.get(image)),
  };
}

function checkVote(vote: ConsensusVote, index: number): void {
  const field = `votes[${index}]`;
  if (typeof vote !== 'object' || vote === null) {
    throw new InvalidArgumentError(field, `${field} must be an object { image, annotator, label }, got ${String(vote)}`);
  }
  if (typeof vote.image !== 'string' || vote.image === '') {
    throw new InvalidArgumentError(`${field}.image`, `${field}.image must be a non-empty string, got ${JSON.stringify(vote.image)}`);
  }
  if (typeof vote.annotator !== 'string' || vote.annotator === '') {
    throw new InvalidArgumentError(`${field}.annotator`, `${field}.annotator must be a non-empty string, got ${JSON.stringify(vote.annotator)}`);
  }
  if (vote.label !== 0 && vote.label !== 1) {
    throw new InvalidArgumentError(`${field}.label`, `${field}.label must be 0 (not hot dog) or 1 (hot dog), got ${JSON.stringify(vote.label)}`);
  }
}

function checkGold(gold: GoldLabels | undefined): GoldLabels {
  if (gold === undefined) return new Map();
  if (!(gold instanceof Map)) {
    throw new InvalidArgumentError('gold', 'gold must be a Map from image id to 0 or 1');
  }
  for (const [image, label] of gold) {
    if (label !== 0 && label !== 1) {
      throw new InvalidArgumentError('gold', `gold label of image ${JSON.stringify(image)} must be 0 or 1, got ${JSON.stringify(label)}`);
    }
  }
  return gold;
}
