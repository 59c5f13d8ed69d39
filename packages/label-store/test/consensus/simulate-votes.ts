import type { ConsensusVote } from '../../src/consensus/consensus-types.js';

/** A simulated annotator who answers correctly with probability `accuracy`, on hot dogs and others alike. */
export interface SimulatedAnnotator {
  name: string;
  accuracy: number;
  /** When set, the annotator answers this label on every image, whatever the truth. */
  always?: 0 | 1;
}

export interface SimulatedLabels {
  truth: Map<string, 0 | 1>;
  votes: ConsensusVote[];
}

/** Mulberry32: a small seeded generator of numbers in [0, 1), fast enough for thousands of votes per test. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An image id of the worker's form (64 hex digits) for index `n`. */
export function imageId(n: number): string {
  return n.toString(16).padStart(64, '0');
}

/**
 * Simulates `imageCount` images, each a hot dog with probability `hotDogShare`, labeled once by
 * every annotator.
 */
export function simulateVotes(
  annotators: readonly SimulatedAnnotator[],
  options: { imageCount: number; seed: number; hotDogShare?: number },
): SimulatedLabels {
  const random = mulberry32(options.seed);
  const truth = new Map<string, 0 | 1>();
  const votes: ConsensusVote[] = [];

  for (let n = 0; n < options.imageCount; n++) {
    const image = imageId(n);
    const label: 0 | 1 = random() < (options.hotDogShare ?? 0.5) ? 1 : 0;
    truth.set(image, label);
    for (const annotator of annotators) {
      const correct = random() < annotator.accuracy;
      const answer = annotator.always ?? (correct ? label : ((1 - label) as 0 | 1));
      votes.push({ image, annotator: annotator.name, label: answer });
    }
  }
  return { truth, votes };
}

/** Share of `labels` equal to the truth; a `tie` counts as wrong. */
export function accuracyAgainst(truth: ReadonlyMap<string, 0 | 1>, labels: readonly { image: string; label: 0 | 1 | 'tie' }[]): number {
  const correct = labels.filter((entry) => truth.get(entry.image) === entry.label).length;
  return correct / labels.length;
}
