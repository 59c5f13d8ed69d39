import { describe, expect, it } from 'vitest';

import {
  computeConsensus,
  DEFAULT_MIN_ANSWERS,
  DEFAULT_MIN_CONFIDENCE,
} from '../../src/consensus/compute-consensus.js';
import type { ConsensusVote } from '../../src/consensus/consensus-types.js';
import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
import { accuracyAgainst, imageId, mulberry32, simulateVotes, type SimulatedAnnotator } from './simulate-votes.js';

const CAREFUL_AND_RANDOM: SimulatedAnnotator[] = [
  { name: 'careful-1', accuracy: 0.95 },
  { name: 'careful-2', accuracy: 0.95 },
  { name: 'careful-3', accuracy: 0.95 },
  { name: 'random-1', accuracy: 0.5 },
  { name: 'random-2', accuracy: 0.5 },
];
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const IMAGES = 300;

/** Lowest gain in accuracy of the consolidated labels over the majority vote, averaged over the seeds. */
const MIN_MEAN_GAIN = 0.015;
/** Largest distance between an estimated and a true annotator accuracy. */
const ACCURACY_TOLERANCE = 0.06;

// Set CONSENSUS_SIMULATION_REPORT=1 to print the measured accuracies of the simulation.
const report = process.env.CONSENSUS_SIMULATION_REPORT === '1';

const A = imageId(1);
const B = imageId(2);
const vote = (image: string, annotator: string, label: 0 | 1): ConsensusVote => ({ image, annotator, label });

describe('computeConsensus simulation', () => {
  it('consolidated labels beat the majority vote', () => {
    const rows = SEEDS.map((seed) => {
      const { truth, votes } = simulateVotes(CAREFUL_AND_RANDOM, { imageCount: IMAGES, seed });
      const result = computeConsensus(votes);
      return {
        seed,
        majority: accuracyAgainst(truth, result.images.map((image) => ({ image: image.image, label: image.majority }))),
        consolidated: accuracyAgainst(truth, result.images),
        iterations: result.model.iterations,
        converged: result.model.converged,
      };
    });
    if (report) console.table(rows);

    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const gain = mean(rows.map((row) => row.consolidated)) - mean(rows.map((row) => row.majority));
    expect(gain).toBeGreaterThan(MIN_MEAN_GAIN);
    for (const row of rows) {
      expect(row.consolidated, `seed ${row.seed}`).toBeGreaterThanOrEqual(row.majority);
      expect(row.converged, `seed ${row.seed}`).toBe(true);
    }
  });

  it('estimated accuracies land near the true ones', () => {
    const rows = [];
    for (const seed of SEEDS) {
      const { votes } = simulateVotes(CAREFUL_AND_RANDOM, { imageCount: IMAGES, seed });
      const result = computeConsensus(votes);
      for (const simulated of CAREFUL_AND_RANDOM) {
        const estimate = result.annotators.find((annotator) => annotator.annotator === simulated.name);
        rows.push({ seed, annotator: simulated.name, true: simulated.accuracy, estimated: estimate?.accuracy ?? Number.NaN });
      }
    }
    if (report) console.table(rows);

    for (const row of rows) {
      expect(Math.abs(row.estimated - row.true), `${row.annotator}, seed ${row.seed}: ${row.estimated}`).toBeLessThan(ACCURACY_TOLERANCE);
    }
  });

  it('gold images clamp the posterior and measure each annotator', () => {
    const { truth, votes } = simulateVotes(CAREFUL_AND_RANDOM, { imageCount: IMAGES, seed: 11 });
    const gold = new Map([...truth].slice(0, 40));

    const result = computeConsensus(votes, { gold });

    for (const image of result.images.filter((entry) => gold.has(entry.image))) {
      expect(image.label).toBe(gold.get(image.image));
      expect(image.confidence).toBe(1);
      expect(image.gold).toBe(gold.get(image.image));
      expect(image.needsMoreLabels).toBe(false);
    }
    for (const annotator of result.annotators) {
      expect(annotator.goldAnswers).toBe(40);
      const goldVotes = votes.filter((entry) => entry.annotator === annotator.annotator && gold.has(entry.image));
      const correct = goldVotes.filter((entry) => gold.get(entry.image) === entry.label).length;
      expect(annotator.goldAccuracy).toBe(correct / 40);
    }
    expect(result.overall.goldImages).toBe(40);
  });

  it('an annotator who always answers 1 does not lower accuracy', () => {
    const annotators: SimulatedAnnotator[] = [...CAREFUL_AND_RANDOM.slice(0, 3), { name: 'always-yes', accuracy: 0, always: 1 }];
    const { truth, votes } = simulateVotes(annotators, { imageCount: IMAGES, seed: 21 });
    const withoutYes = computeConsensus(votes.filter((entry) => entry.annotator !== 'always-yes'));

    const result = computeConsensus(votes);
    const yes = result.annotators.find((annotator) => annotator.annotator === 'always-yes');

    expect(yes?.sensitivity).toBeGreaterThan(0.95);
    expect(yes?.specificity).toBeLessThan(0.05);
    expect(Math.abs((yes?.accuracy ?? 0) - 0.5)).toBeLessThan(0.06);
    expect(accuracyAgainst(truth, result.images)).toBeGreaterThanOrEqual(accuracyAgainst(truth, withoutYes.images));
  });

  it('output does not depend on the vote order', () => {
    const { votes } = simulateVotes(CAREFUL_AND_RANDOM, { imageCount: 60, seed: 31 });
    const random = mulberry32(99);
    const shuffled = [...votes];
    for (let index = shuffled.length - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1));
      [shuffled[index], shuffled[other]] = [shuffled[other] as ConsensusVote, shuffled[index] as ConsensusVote];
    }

    expect(computeConsensus(shuffled)).toEqual(computeConsensus(votes));
  });
});

describe('computeConsensus edge cases', () => {
  it('no votes gives no images and a null agreement', () => {
    const result = computeConsensus([]);

    expect(result.images).toEqual([]);
    expect(result.annotators).toEqual([]);
    expect(result.overall).toEqual({ answers: 0, images: 0, annotators: 0, goldImages: 0, needsMoreLabels: 0, agreement: null });
    expect(result.model.converged).toBe(true);
  });

  it.each([
    { case: 'one vote for 1', votes: [vote(A, 'ana', 1)], label: 1, majority: 1, voteShare: 1, needsMore: true },
    { case: 'one vote for 0', votes: [vote(A, 'ana', 0)], label: 0, majority: 0, voteShare: 1, needsMore: true },
    {
      case: 'three unanimous votes',
      votes: [vote(A, 'ana', 1), vote(A, 'bo', 1), vote(A, 'cy', 1)],
      label: 1,
      majority: 1,
      voteShare: 1,
      needsMore: false,
    },
    {
      case: 'a two-two tie',
      votes: [vote(A, 'ana', 1), vote(A, 'bo', 1), vote(A, 'cy', 0), vote(A, 'di', 0)],
      label: 0,
      majority: 'tie',
      voteShare: 0.5,
      needsMore: true,
    },
    {
      case: 'two of three',
      votes: [vote(A, 'ana', 0), vote(A, 'bo', 0), vote(A, 'cy', 1)],
      label: 0,
      majority: 0,
      voteShare: 2 / 3,
      needsMore: true,
    },
  ])('$case', ({ votes, label, majority, voteShare, needsMore }) => {
    const [image] = computeConsensus(votes).images;

    expect(image?.label).toBe(label);
    expect(image?.majority).toBe(majority);
    expect(image?.voteShare).toBeCloseTo(voteShare, 12);
    expect(image?.needsMoreLabels).toBe(needsMore);
    expect(image?.confidence).toBeGreaterThanOrEqual(0.5);
    expect(image?.confidence).toBeLessThan(1);
  });

  it('a tie has confidence 0.5', () => {
    const [image] = computeConsensus([vote(A, 'ana', 1), vote(A, 'bo', 1), vote(A, 'cy', 0), vote(A, 'di', 0)]).images;

    expect(image?.confidence).toBeCloseTo(0.5, 12);
    expect(image?.hotDogProbability).toBeCloseTo(0.5, 12);
  });

  it('one answer does not estimate an annotator at 0 or 1', () => {
    const [annotator] = computeConsensus([vote(A, 'ana', 1)]).annotators;

    expect(annotator?.sensitivity).toBeGreaterThan(0);
    expect(annotator?.sensitivity).toBeLessThan(1);
    expect(annotator?.specificity).toBeGreaterThan(0);
    expect(annotator?.specificity).toBeLessThan(1);
  });

  it('gold-only votes measure every annotator on gold', () => {
    const votes = [vote(A, 'ana', 1), vote(A, 'bo', 0), vote(B, 'ana', 0), vote(B, 'bo', 0)];
    const gold = new Map<string, 0 | 1>([
      [A, 1],
      [B, 0],
    ]);

    const result = computeConsensus(votes, { gold });

    expect(result.images.map((image) => [image.label, image.confidence, image.needsMoreLabels])).toEqual([
      [1, 1, false],
      [0, 1, false],
    ]);
    expect(result.annotators.map((annotator) => [annotator.annotator, annotator.goldAnswers, annotator.goldAccuracy])).toEqual([
      ['ana', 2, 1],
      ['bo', 2, 0.5],
    ]);
    expect(result.overall.goldImages).toBe(2);
  });

  it('gold for an image without votes adds no image', () => {
    const result = computeConsensus([vote(A, 'ana', 1)], { gold: new Map([[B, 1]]) });

    expect(result.images.map((image) => image.image)).toEqual([A]);
    expect(result.annotators[0]?.goldAccuracy).toBeNull();
  });

  it('counts votes, distinct annotators and agreement', () => {
    const result = computeConsensus([vote(A, 'ana', 1), vote(A, 'ana', 1), vote(A, 'bo', 0), vote(B, 'bo', 0)]);

    expect(result.images[0]).toMatchObject({ answers: 3, hotDog: 2, notHotDog: 1, annotators: 2, majority: 1 });
    expect(result.overall).toMatchObject({ answers: 4, images: 2, annotators: 2 });
    expect(result.overall.agreement).toBeCloseTo(3 / 4, 12);
  });

  it('needsMoreLabels follows the settings', () => {
    const votes = [vote(A, 'ana', 1), vote(A, 'bo', 1)];

    expect(computeConsensus(votes).images[0]?.needsMoreLabels).toBe(true);
    expect(computeConsensus(votes, { minAnswers: 2, minConfidence: 0.5 }).images[0]?.needsMoreLabels).toBe(false);
    expect(computeConsensus(votes).settings).toMatchObject({ minAnswers: DEFAULT_MIN_ANSWERS, minConfidence: DEFAULT_MIN_CONFIDENCE });
  });
});

describe('computeConsensus input checks', () => {
  it.each([
    { case: 'label 2', votes: [{ image: A, annotator: 'ana', label: 2 }], argument: 'votes[0].label' },
    { case: 'label "1"', votes: [{ image: A, annotator: 'ana', label: '1' }], argument: 'votes[0].label' },
    { case: 'empty image', votes: [{ image: '', annotator: 'ana', label: 1 }], argument: 'votes[0].image' },
    { case: 'missing annotator', votes: [vote(A, 'ana', 1), { image: A, label: 1 }], argument: 'votes[1].annotator' },
    { case: 'null vote', votes: [null], argument: 'votes[0]' },
  ])('rejects $case', ({ votes, argument }) => {
    const run = () => computeConsensus(votes as unknown as ConsensusVote[]);

    expect(run).toThrow(InvalidArgumentError);
    expect(run).toThrow(expect.objectContaining({ argument, code: 'INVALID_ARGUMENT' }));
  });

  it.each([
    { case: 'minAnswers 0', options: { minAnswers: 0 }, argument: 'minAnswers' },
    { case: 'minConfidence 0.4', options: { minConfidence: 0.4 }, argument: 'minConfidence' },
    { case: 'minConfidence NaN', options: { minConfidence: Number.NaN }, argument: 'minConfidence' },
    { case: 'maxIterations 0', options: { maxIterations: 0 }, argument: 'maxIterations' },
    { case: 'maxIterations 1e9', options: { maxIterations: 1e9 }, argument: 'maxIterations' },
    { case: 'tolerance 0', options: { tolerance: 0 }, argument: 'tolerance' },
    { case: 'gold label 2', options: { gold: new Map([[A, 2]]) }, argument: 'gold' },
  ])('rejects $case', ({ options, argument }) => {
    const run = () => computeConsensus([vote(A, 'ana', 1)], options as never);

    expect(run).toThrow(expect.objectContaining({ argument }));
  });

  it('stops at maxIterations without converging', () => {
    const { votes } = simulateVotes(CAREFUL_AND_RANDOM, { imageCount: 50, seed: 41 });

    const result = computeConsensus(votes, { maxIterations: 1, tolerance: 1e-12 });

    expect(result.model).toMatchObject({ iterations: 1, converged: false });
  });
});
