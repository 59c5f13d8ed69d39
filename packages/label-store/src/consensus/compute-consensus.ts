import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type {
  AnnotatorEstimate,
  ConsensusOptions,
  ConsensusOverall,
  ConsensusResult,
  ConsensusSettings,
  ConsensusVote,
  ImageConsensus,
} from './consensus-types.js';
import { fitDawidSkene, type DawidSkeneFit } from './dawid-skene.js';
import { buildVoteTable, type VoteTable } from './vote-table.js';

/**
 * Fewest votes before an image's label counts as settled: with 3 votes, one careless answer
 * cannot decide the label alone, and a 2-to-1 split still has a majority.
 */
export const DEFAULT_MIN_ANSWERS = 3;

/**
 * Lowest confidence at which a label counts as settled: a training set whose labels are each at
 * least 80 % likely is mostly right, and reaching 0.95 would cost many more votes per image.
 */
export const DEFAULT_MIN_CONFIDENCE = 0.8;

/**
 * Most expectation-maximization rounds. Two-class models on label data settle within a few
 * dozen rounds; the bound stops a slow or oscillating fit in bounded time.
 */
export const DEFAULT_MAX_ITERATIONS = 200;

/** Largest change of any posterior between rounds at which the fit counts as converged: far below any confidence that is shown or compared. */
export const DEFAULT_TOLERANCE = 1e-6;

/** Most rounds that a caller may request, so a typo cannot keep a request busy for minutes. */
export const MAX_ITERATIONS_LIMIT = 10_000;

/**
 * Computes per-image and per-annotator consensus from raw votes.
 *
 * Per image it returns the majority vote with its share, and a consolidated label with its
 * posterior probability from a two-class Dawid-Skene model (see `dawid-skene.ts`), which weighs
 * each vote by the estimated reliability of its annotator. Gold images keep their known label
 * and inform each annotator's estimate. Every vote counts, also a repeated vote of one annotator
 * on one image. Pure and deterministic: equal input gives equal output, whatever the vote order.
 * Costs O(v log v) for v votes for the ordering, plus O(v) per model round.
 *
 * @throws InvalidArgumentError for a malformed vote (naming `votes[i]`), gold label or option.
 */
export function computeConsensus(votes: readonly ConsensusVote[], options: ConsensusOptions = {}): ConsensusResult {
  const settings = resolveSettings(options);
  const table = buildVoteTable(votes, options.gold);
  const fit = fitDawidSkene(table, settings.maxIterations, settings.tolerance);

  const images = describeImages(table, fit, settings);
  const annotators = describeAnnotators(table, fit);
  return {
    overall: summarize(table, images),
    model: { classPrior: fit.classPrior, iterations: fit.iterations, converged: fit.converged },
    settings,
    images,
    annotators,
  };
}

function resolveSettings(options: ConsensusOptions): ConsensusSettings {
  const settings = {
    minAnswers: options.minAnswers ?? DEFAULT_MIN_ANSWERS,
    minConfidence: options.minConfidence ?? DEFAULT_MIN_CONFIDENCE,
    maxIterations: options.maxIterations ?? DEFAULT_MAX_ITERATIONS,
    tolerance: options.tolerance ?? DEFAULT_TOLERANCE,
  };

  if (!Number.isSafeInteger(settings.minAnswers) || settings.minAnswers < 1) {
    throw new InvalidArgumentError('minAnswers', `minAnswers must be a positive integer, got ${settings.minAnswers}`);
  }
  if (!(settings.minConfidence >= 0.5 && settings.minConfidence <= 1)) {
    throw new InvalidArgumentError('minConfidence', `minConfidence must be a number from 0.5 to 1, got ${settings.minConfidence}`);
  }
  if (!Number.isSafeInteger(settings.maxIterations) || settings.maxIterations < 1 || settings.maxIterations > MAX_ITERATIONS_LIMIT) {
    throw new InvalidArgumentError('maxIterations', `maxIterations must be an integer from 1 to ${MAX_ITERATIONS_LIMIT}, got ${settings.maxIterations}`);
  }
  if (!(settings.tolerance > 0 && settings.tolerance < 1)) {
    throw new InvalidArgumentError('tolerance', `tolerance must be a number between 0 and 1, got ${settings.tolerance}`);
  }
  return settings;
}

function describeImages(table: VoteTable, fit: DawidSkeneFit, settings: ConsensusSettings): ImageConsensus[] {
  const hotDog = new Array<number>(table.images.length).fill(0);
  const total = new Array<number>(table.images.length).fill(0);
  const voters = table.images.map(() => new Set<number>());
  for (const vote of table.votes) {
    hotDog[vote.image] = (hotDog[vote.image] as number) + vote.label;
    total[vote.image] = (total[vote.image] as number) + 1;
    voters[vote.image]?.add(vote.annotator);
  }

  return table.images.map((image, index) => {
    const answers = total[index] as number;
    const yes = hotDog[index] as number;
    const no = answers - yes;
    const gold = table.gold[index] ?? null;
    const hotDogProbability = fit.posterior[index] as number;
    // A posterior of exactly 0.5 (balanced evidence and prior) gives 0; such an image always needs more labels.
    const label = hotDogProbability > 0.5 ? 1 : 0;
    const confidence = label === 1 ? hotDogProbability : 1 - hotDogProbability;

    return {
      image,
      answers,
      hotDog: yes,
      notHotDog: no,
      annotators: voters[index]?.size ?? 0,
      majority: yes === no ? 'tie' : yes > no ? 1 : 0,
      voteShare: Math.max(yes, no) / answers,
      label,
      confidence,
      hotDogProbability,
      gold,
      // A gold image's label is known, so more votes on it only measure the annotators.
      needsMoreLabels: gold === null && (answers < settings.minAnswers || confidence < settings.minConfidence),
    };
  });
}

function describeAnnotators(table: VoteTable, fit: DawidSkeneFit): AnnotatorEstimate[] {
  const answers = new Array<number>(table.annotators.length).fill(0);
  const goldAnswers = new Array<number>(table.annotators.length).fill(0);
  const goldCorrect = new Array<number>(table.annotators.length).fill(0);
  for (const vote of table.votes) {
    answers[vote.annotator] = (answers[vote.annotator] as number) + 1;
    const gold = table.gold[vote.image];
    if (gold === undefined) continue;
    goldAnswers[vote.annotator] = (goldAnswers[vote.annotator] as number) + 1;
    if (gold === vote.label) goldCorrect[vote.annotator] = (goldCorrect[vote.annotator] as number) + 1;
  }

  return table.annotators.map((annotator, index) => {
    const sensitivity = fit.sensitivity[index] as number;
    const specificity = fit.specificity[index] as number;
    const onGold = goldAnswers[index] as number;
    return {
      annotator,
      answers: answers[index] as number,
      sensitivity,
      specificity,
      accuracy: fit.classPrior * sensitivity + (1 - fit.classPrior) * specificity,
      goldAnswers: onGold,
      goldAccuracy: onGold === 0 ? null : (goldCorrect[index] as number) / onGold,
    };
  });
}

function summarize(table: VoteTable, images: readonly ImageConsensus[]): ConsensusOverall {
  // Votes equal to their image's majority, with a tie counting half of its votes.
  let agreeing = 0;
  for (const image of images) agreeing += image.majority === 'tie' ? image.answers / 2 : Math.max(image.hotDog, image.notHotDog);

  return {
    answers: table.votes.length,
    images: images.length,
    annotators: table.annotators.length,
    goldImages: images.filter((image) => image.gold !== null).length,
    needsMoreLabels: images.filter((image) => image.needsMoreLabels).length,
    agreement: table.votes.length === 0 ? null : agreeing / table.votes.length,
  };
}
