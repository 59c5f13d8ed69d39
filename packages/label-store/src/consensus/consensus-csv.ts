import { formatCsvRow } from '../labels/csv.js';
import type { ConsensusResult } from './consensus-types.js';

/** Columns of the training-set export, in order. */
export const CONSENSUS_CSV_COLUMNS = [
  'image',
  'label',
  'confidence',
  'votes',
  'hot_dog_votes',
  'not_hot_dog_votes',
  'annotators',
  'needs_more_labels',
] as const;

/**
 * Decimals of the confidence column: finer than any threshold that an operator would set, and the
 * same text for the same value on every platform.
 */
export const CONFIDENCE_DECIMALS = 6;

/**
 * Formats the consolidated labels as RFC 4180 CSV with CRLF line ends: the header, then one row
 * per image with at least one vote, ordered by image id. `label` is 1 or 0, `confidence` has
 * `CONFIDENCE_DECIMALS` decimals, and `needs_more_labels` is `true` or `false`.
 */
export function formatConsensusCsv(result: Pick<ConsensusResult, 'images'>): string {
  const rows = [formatCsvRow(CONSENSUS_CSV_COLUMNS)];
  for (const image of result.images) {
    rows.push(
      formatCsvRow([
        image.image,
        String(image.label),
        image.confidence.toFixed(CONFIDENCE_DECIMALS),
        String(image.answers),
        String(image.hotDog),
        String(image.notHotDog),
        String(image.annotators),
        String(image.needsMoreLabels),
      ]),
    );
  }
  return rows.join('');
}
