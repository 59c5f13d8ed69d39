import {
  ApiError,
  fetchConsensus,
  fetchSummary,
  imageUrl,
  type AnnotatorEstimate,
  type Consensus,
  type ImageConsensus,
  type ImageSummary,
  type LabelSummary,
} from './api.js';
import { byId, formatConfidence, formatPercent, h, shortId } from './dom.js';

/**
 * The results view: overall numbers, then per image the votes, majority, agreement and the
 * consensus label with its confidence, then the annotators with their estimated and measured
 * accuracy. The tallies come from `/v1/labels/summary` and the rest from `/v1/labels/consensus`.
 */

const overall = byId('overall');
const body = byId('results-body');
const table = byId('results-table');
const empty = byId('results-empty');
const errorText = byId('results-error');
const refresh = byId<HTMLButtonElement>('refresh-results');
const consensusNote = byId('consensus-note');
const annotatorsSection = byId('annotators');
const annotatorsBody = byId('annotators-body');

const LABEL_TEXT = { 1: 'Hot dog', 0: 'Not hot dog', tie: 'Tie' } as const;

// `data-label` repeats a column's header for the phone layout, where each row shows as a card.
const GOLD_ACCURACY_LABEL = 'Accuracy on gold images';

export function initResults(): void {
  refresh.addEventListener('click', () => void loadResults());
}

export async function loadResults(): Promise<void> {
  refresh.disabled = true;
  errorText.textContent = '';
  try {
    const [summary, consensus] = await Promise.allSettled([fetchSummary(), fetchConsensus()]);
    if (summary.status === 'rejected') {
      errorText.textContent = `Could not load the results: ${describeError(summary.reason)}.`;
      return;
    }
    // Without the consensus the tallies still show, with dashes in its columns.
    if (consensus.status === 'rejected') {
      errorText.textContent = `Could not load the consensus labels: ${describeError(consensus.reason)}.`;
    }
    render(summary.value, consensus.status === 'fulfilled' ? consensus.value : null);
  } finally {
    refresh.disabled = false;
  }
}

function describeError(error: unknown): string {
  return error instanceof ApiError ? error.message : String(error);
}

function render(summary: LabelSummary, consensus: Consensus | null): void {
  const stats = [
    stat('Answers', String(summary.overall.answers)),
    stat('Images labeled', String(summary.overall.images)),
    stat('Annotators', String(summary.overall.annotators)),
    stat('Agreement', formatPercent(summary.overall.agreement)),
  ];
  if (consensus) {
    stats.push(stat('Gold images', String(consensus.overall.goldImages)), stat('Need more labels', String(consensus.overall.needsMoreLabels)));
  }
  overall.replaceChildren(...stats);

  const consensusByImage = new Map<string, ImageConsensus>(consensus?.images.map((image) => [image.image, image]));
  const rows = [...summary.images].sort((a, b) => b.answers - a.answers || a.image.localeCompare(b.image));
  body.replaceChildren(...rows.map((image) => imageRow(image, consensusByImage.get(image.image))));
  table.hidden = rows.length === 0;
  empty.hidden = rows.length !== 0;
  consensusNote.textContent = consensus && rows.length > 0 ? describeSettings(consensus.settings) : '';

  const annotators = consensus?.annotators ?? [];
  annotatorsBody.replaceChildren(...annotators.map(annotatorRow));
  annotatorsSection.hidden = annotators.length === 0;
}

function describeSettings(settings: Consensus['settings']): string {
  return (
    "The consensus label weighs each vote by its annotator's estimated accuracy, and its confidence is the " +
    `model's probability that the label is right. An image needs more labels with fewer than ${settings.minAnswers} ` +
    `votes or a confidence below ${formatPercent(settings.minConfidence)}. Gold images keep their known label.`
  );
}

function stat(name: string, value: string): HTMLElement {
  return h('div', { class: 'stat' }, h('dt', {}, name), h('dd', {}, value));
}

function imageRow(image: ImageSummary, consensus: ImageConsensus | undefined): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-image-id': image.image, class: consensus?.needsMoreLabels ? 'needs-more' : undefined },
    h(
      'td',
      {},
      h(
        'div',
        { class: 'thumb-cell' },
        h(
          'a',
          { href: imageUrl(image.image), target: '_blank', title: `Open image ${image.image}` },
          h('img', { src: imageUrl(image.image), alt: `Image ${shortId(image.image)}`, width: 64, height: 64, loading: 'lazy' }),
        ),
        h('code', { class: 'image-id' }, shortId(image.image)),
      ),
    ),
    h('td', { class: 'num', 'data-label': 'Hot dog' }, String(image.hotDog)),
    h('td', { class: 'num', 'data-label': 'Not hot dog' }, String(image.notHotDog)),
    h('td', { 'data-label': 'Majority' }, h('span', { class: `badge badge-${image.majority}` }, LABEL_TEXT[image.majority])),
    h(
      'td',
      { class: 'agreement', 'data-label': 'Agreement' },
      h('meter', { min: 0, max: 1, low: 0.6, high: 0.8, optimum: 1, value: image.agreement, 'aria-hidden': 'true' }),
      h('span', {}, formatPercent(image.agreement)),
    ),
    consensusLabelCell(consensus),
    h('td', { class: 'confidence', 'data-label': 'Confidence' }, consensus ? formatConfidence(consensus.confidence) : '—'),
  );
}

/** Builds the cell with the consolidated label, marked as gold or as needing more labels. */
function consensusLabelCell(consensus: ImageConsensus | undefined): HTMLTableCellElement {
  if (!consensus) {
    return h('td', { class: 'consensus', 'data-label': 'Consensus' }, '—');
  }
  return h(
    'td',
    { class: 'consensus', 'data-label': 'Consensus' },
    h(
      'div',
      { class: 'consensus-marks' },
      h('span', { class: `badge badge-${consensus.label} consensus-label` }, LABEL_TEXT[consensus.label]),
      consensus.gold !== null && h('span', { class: 'tag tag-gold' }, 'Gold'),
      consensus.needsMoreLabels && h('span', { class: 'tag tag-needs-more' }, 'Needs more labels'),
    ),
  );
}

function annotatorRow(annotator: AnnotatorEstimate): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-annotator': annotator.annotator },
    h('th', { scope: 'row', class: 'annotator-name' }, annotator.annotator),
    h('td', { class: 'num', 'data-label': 'Answers' }, String(annotator.answers)),
    h('td', { class: 'estimated-accuracy', 'data-label': 'Estimated accuracy' }, formatPercent(annotator.accuracy)),
    goldAccuracyCell(annotator),
  );
}

function goldAccuracyCell(annotator: AnnotatorEstimate): HTMLTableCellElement {
  if (annotator.goldAccuracy === null) {
    return h('td', { class: 'gold-accuracy no-gold', 'data-label': GOLD_ACCURACY_LABEL }, 'no gold answers');
  }
  const correct = Math.round(annotator.goldAccuracy * annotator.goldAnswers);
  return h('td', { class: 'gold-accuracy', 'data-label': GOLD_ACCURACY_LABEL }, `${formatPercent(annotator.goldAccuracy)} (${correct} of ${annotator.goldAnswers})`);
}
