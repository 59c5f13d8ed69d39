import type { VoteTable } from './vote-table.js';

/**
 * Two-class Dawid-Skene model fitted by expectation-maximization.
 *
 * Each image has an unknown true class y (1 hot dog, 0 not). Each annotator a answers 1 on a
 * hot dog with probability sensitivity[a] and 0 on anything else with probability
 * specificity[a], independently of the other annotators. `classPrior` is P(y = 1).
 *
 * - E-step: the posterior P(y = 1 | votes) of each image, from the prior and the likelihood
 *   ratio of its votes, computed as log odds so that many votes cannot underflow.
 *   A gold image keeps its known label as posterior (0 or 1).
 * - M-step: sensitivity, specificity and prior as posterior-weighted counts plus the pseudo-counts below
 *   (the mean of a Beta posterior), so that no estimate reaches 0 or 1.
 *
 * The first M-step starts from the vote shares of each image (the soft majority vote), which also
 * ties the classes to their meaning: without that start, the swapped labelling fits equally well.
 */

/**
 * Pseudo-counts of correct and wrong answers added to every annotator's sensitivity and
 * specificity: a Beta(2, 1) prior, so an annotator is presumed better than chance (2 of 3 right)
 * until a few answers show otherwise, and one answer cannot push an estimate to 0 or 1.
 */
export const ANNOTATOR_PRIOR_CORRECT = 2;
export const ANNOTATOR_PRIOR_WRONG = 1;

/** Pseudo-count added to each class when estimating the class prior (Laplace smoothing). */
export const CLASS_PRIOR_PSEUDO_COUNT = 1;

export interface DawidSkeneFit {
  /** P(y = 1) per image index. */
  posterior: Float64Array;
  sensitivity: Float64Array;
  specificity: Float64Array;
  classPrior: number;
  iterations: number;
  converged: boolean;
}

/**
 * Fits the model to `table`. Stops when no posterior changed by more than `tolerance` in a
 * round, or after `maxIterations` rounds. Costs O(votes + images + annotators) per round.
 */
export function fitDawidSkene(table: VoteTable, maxIterations: number, tolerance: number): DawidSkeneFit {
  let posterior = initialPosterior(table);
  let parameters = maximize(table, posterior);
  let iterations = 0;
  let converged = false;

  while (iterations < maxIterations) {
    iterations += 1;
    const next = expect(table, parameters);
    const change = largestChange(posterior, next);
    posterior = next;
    parameters = maximize(table, posterior);
    if (change < tolerance) {
      converged = true;
      break;
    }
  }

  return { posterior, ...parameters, iterations, converged };
}

interface Parameters {
  sensitivity: Float64Array;
  specificity: Float64Array;
  classPrior: number;
}

/** Each image's share of hot-dog votes, or its gold label. */
function initialPosterior(table: VoteTable): Float64Array {
  const hotDog = new Float64Array(table.images.length);
  const total = new Float64Array(table.images.length);
  for (const vote of table.votes) {
    hotDog[vote.image] = (hotDog[vote.image] as number) + vote.label;
    total[vote.image] = (total[vote.image] as number) + 1;
  }

  return hotDog.map((count, image) => table.gold[image] ?? count / (total[image] as number));
}

function maximize(table: VoteTable, posterior: Float64Array): Parameters {
  const annotatorCount = table.annotators.length;
  const truePositive = new Float64Array(annotatorCount);
  const positive = new Float64Array(annotatorCount);
  const trueNegative = new Float64Array(annotatorCount);
  const negative = new Float64Array(annotatorCount);

  for (const vote of table.votes) {
    const hotDog = posterior[vote.image] as number;
    positive[vote.annotator] = (positive[vote.annotator] as number) + hotDog;
    negative[vote.annotator] = (negative[vote.annotator] as number) + (1 - hotDog);
    if (vote.label === 1) truePositive[vote.annotator] = (truePositive[vote.annotator] as number) + hotDog;
    else trueNegative[vote.annotator] = (trueNegative[vote.annotator] as number) + (1 - hotDog);
  }

  const priorTotal = ANNOTATOR_PRIOR_CORRECT + ANNOTATOR_PRIOR_WRONG;
  const sensitivity = truePositive.map((count, a) => (count + ANNOTATOR_PRIOR_CORRECT) / ((positive[a] as number) + priorTotal));
  const specificity = trueNegative.map((count, a) => (count + ANNOTATOR_PRIOR_CORRECT) / ((negative[a] as number) + priorTotal));

  let hotDogMass = 0;
  for (const value of posterior) hotDogMass += value;
  const classPrior = (hotDogMass + CLASS_PRIOR_PSEUDO_COUNT) / (posterior.length + 2 * CLASS_PRIOR_PSEUDO_COUNT);

  return { sensitivity, specificity, classPrior };
}

function expect(table: VoteTable, parameters: Parameters): Float64Array {
  const { sensitivity, specificity, classPrior } = parameters;
  const logOdds = new Float64Array(table.images.length).fill(Math.log(classPrior / (1 - classPrior)));

  for (const vote of table.votes) {
    const s = sensitivity[vote.annotator] as number;
    const t = specificity[vote.annotator] as number;
    // Likelihood ratio P(label | hot dog) / P(label | not hot dog) of this vote.
    const ratio = vote.label === 1 ? Math.log(s / (1 - t)) : Math.log((1 - s) / t);
    logOdds[vote.image] = (logOdds[vote.image] as number) + ratio;
  }

  return logOdds.map((odds, image) => table.gold[image] ?? 1 / (1 + Math.exp(-odds)));
}

function largestChange(before: Float64Array, after: Float64Array): number {
  let largest = 0;
  for (let index = 0; index < before.length; index++) {
    largest = Math.max(largest, Math.abs((before[index] as number) - (after[index] as number)));
  }
  return largest;
}
