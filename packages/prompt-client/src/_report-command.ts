import type { ParsedArguments } from './_args.js';
import type { CommandDefinition } from './_command.js';
import type { CliIo } from './_io.js';
import { createPalette, shouldUseColor } from './_output.js';
import type { Palette } from './_output.js';
import { readTimeoutMs, readWorkerUrl, rejectPositionals, TIMEOUT_OPTION, WORKER_OPTION } from './_settings.js';
import { EXIT_OK } from './cli-error.js';
import { HOT_DOG, LabelClient } from './label-client.js';
import type { ConsensusAnnotator, ConsensusImage, ConsensusReport } from './label-client.js';

/** Characters of the image id shown in the table; 12 hex digits keep ids of a small collection apart. */
export const SHORT_ID_LENGTH = 12;

interface Column<Row> {
  title: string;
  align: 'left' | 'right';
  cell(row: Row): string;
}

const IMAGE_COLUMNS: readonly Column<ConsensusImage>[] = [
  { title: 'image', align: 'left', cell: (image) => image.image.slice(0, SHORT_ID_LENGTH) },
  { title: 'answers', align: 'right', cell: (image) => String(image.answers) },
  { title: 'hot dog', align: 'right', cell: (image) => String(image.hotDog) },
  { title: 'not', align: 'right', cell: (image) => String(image.notHotDog) },
  { title: 'majority', align: 'left', cell: (image) => formatMajority(image.majority) },
  { title: 'agreement', align: 'right', cell: (image) => formatShare(image.voteShare) },
  { title: 'label', align: 'left', cell: (image) => formatMajority(image.label) + (image.gold === null ? '' : ' (gold)') },
  { title: 'confidence', align: 'right', cell: (image) => formatShare(image.confidence) },
  { title: 'status', align: 'left', cell: (image) => (image.needsMoreLabels ? 'needs labels' : 'settled') },
];

const ANNOTATOR_COLUMNS: readonly Column<ConsensusAnnotator>[] = [
  { title: 'annotator', align: 'left', cell: (annotator) => annotator.annotator },
  { title: 'answers', align: 'right', cell: (annotator) => String(annotator.answers) },
  { title: 'est. accuracy', align: 'right', cell: (annotator) => formatShare(annotator.accuracy) },
  {
    title: 'gold accuracy',
    align: 'right',
    cell: (annotator) => (annotator.goldAccuracy === null ? '-' : `${formatShare(annotator.goldAccuracy)} of ${annotator.goldAnswers}`),
  },
];

export const reportCommand: CommandDefinition = {
  name: 'report',
  summary: 'Print the votes, consolidated label and confidence of every image, and each annotator',
  usage: [
    'Usage: hotdog report [options]',
    '',
    "Fetches the worker's GET /v1/labels/consensus and prints one row per image, sorted by image id:",
    'the first 12 characters of the id, the answers, the hot dog and not hot dog counts, the majority',
    'label, the agreement (the share of answers that match the majority), the consolidated label',
    '(marked gold when the true label is known), its confidence, and whether it needs more labels.',
    'Then one row per annotator with the estimated accuracy and, where the annotator answered gold',
    'images, the measured accuracy on them, and the overall line.',
  ].join('\n'),
  options: [WORKER_OPTION, { name: 'json', description: "Print the worker's JSON response body instead of a table" }, TIMEOUT_OPTION],
  run: runReport,
};

async function runReport(args: ParsedArguments, io: CliIo): Promise<number> {
  const workerUrl = readWorkerUrl(args, io.env);
  const timeoutMs = readTimeoutMs(args.options.get('timeout'));
  rejectPositionals(args, 'report');

  const result = await new LabelClient({ workerUrl, timeoutMs }).getConsensus();
  if (args.options.get('json') === true) {
    io.stdout.write(result.body.endsWith('\n') ? result.body : `${result.body}\n`);
    return EXIT_OK;
  }
  io.stdout.write(formatReport(result.consensus, createPalette(shouldUseColor(io.stdout, io.env))));
  return EXIT_OK;
}

/**
 * Formats the consensus as a table of images sorted by image id and a table of annotators, with
 * text columns left-aligned and numbers right-aligned, followed by the overall line.
 */
export function formatReport(consensus: ConsensusReport, palette: Palette): string {
  const overall = formatOverall(consensus.overall);
  if (consensus.images.length === 0) {
    return `No labels recorded yet.\n${overall}\n`;
  }

  const images = [...consensus.images].sort((a, b) => compareIds(a.image, b.image));
  const annotators = [...consensus.annotators].sort((a, b) => compareIds(a.annotator, b.annotator));
  return [...formatTable(IMAGE_COLUMNS, images, palette), '', ...formatTable(ANNOTATOR_COLUMNS, annotators, palette), '', overall, ''].join('\n');
}

function formatTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[], palette: Palette): string[] {
  const cells = rows.map((row) => columns.map((column) => column.cell(row)));
  const widths = columns.map((column, index) => Math.max(column.title.length, ...cells.map((row) => (row[index] as string).length)));

  const formatRow = (values: readonly string[]) =>
    values
      .map((value, index) => {
        const width = widths[index] as number;
        return columns[index]?.align === 'right' ? value.padStart(width) : value.padEnd(width);
      })
      .join('  ')
      .trimEnd();

  return [palette.bold(formatRow(columns.map((column) => column.title))), ...cells.map(formatRow)];
}

/** Orders ids by UTF-16 code units; for lowercase hexadecimal ids of one length that is numeric order. */
function compareIds(a: string, b: string): number {
  if (a < b) {
    return -1;
  }
  return a > b ? 1 : 0;
}

function formatOverall(overall: ConsensusReport['overall']): string {
  return (
    `overall: ${overall.answers} answers on ${overall.images} images by ${overall.annotators} annotators, ` +
    `agreement ${formatShare(overall.agreement)}, ${overall.needsMoreLabels} images need more labels`
  );
}

function formatMajority(majority: ConsensusImage['majority']): string {
  if (majority === 'tie') {
    return 'tie';
  }
  return majority === HOT_DOG ? 'hot dog' : 'not hot dog';
}

/** Formats a share from 0 to 1 as a percentage with one decimal, so 2 of 3 reads 66.7%; null reads `-`. */
function formatShare(share: number | null): string {
  return share === null ? '-' : `${(share * 100).toFixed(1)}%`;
}
