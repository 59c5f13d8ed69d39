import type { ParsedArguments } from './_args.js';
import type { CommandDefinition } from './_command.js';
import type { CliIo } from './_io.js';
import { createPalette, shouldUseColor } from './_output.js';
import type { Palette } from './_output.js';
import { readTimeoutMs, readWorkerUrl, rejectPositionals, TIMEOUT_OPTION, WORKER_OPTION } from './_settings.js';
import { EXIT_OK } from './cli-error.js';
import { HOT_DOG, LabelClient } from './label-client.js';
import type { ImageLabelSummary, LabelSummary } from './label-client.js';

/** Characters of the image id shown in the table; 12 hex digits keep ids of a small collection apart. */
export const SHORT_ID_LENGTH = 12;

interface Column {
  title: string;
  align: 'left' | 'right';
  cell(image: ImageLabelSummary): string;
}

const COLUMNS: readonly Column[] = [
  { title: 'image', align: 'left', cell: (image) => image.image.slice(0, SHORT_ID_LENGTH) },
  { title: 'answers', align: 'right', cell: (image) => String(image.answers) },
  { title: 'hot dog', align: 'right', cell: (image) => String(image.hotDog) },
  { title: 'not', align: 'right', cell: (image) => String(image.notHotDog) },
  { title: 'majority', align: 'left', cell: (image) => formatMajority(image.majority) },
  { title: 'agreement', align: 'right', cell: (image) => formatShare(image.agreement) },
];

export const reportCommand: CommandDefinition = {
  name: 'report',
  summary: 'Print the label counts, majority and agreement of every image',
  usage: [
    'Usage: hotdog report [options]',
    '',
    "Fetches the worker's GET /v1/labels/summary and prints one row per image, sorted by image id:",
    'the first 12 characters of the id, the answers, the hot dog and not hot dog counts, the majority',
    'label, and the agreement (the share of answers that match the majority), then the overall line.',
  ].join('\n'),
  options: [WORKER_OPTION, { name: 'json', description: "Print the worker's JSON response body instead of a table" }, TIMEOUT_OPTION],
  run: runReport,
};

async function runReport(args: ParsedArguments, io: CliIo): Promise<number> {
  const workerUrl = readWorkerUrl(args, io.env);
  const timeoutMs = readTimeoutMs(args.options.get('timeout'));
  rejectPositionals(args, 'report');

  const result = await new LabelClient({ workerUrl, timeoutMs }).getLabelSummary();
  if (args.options.get('json') === true) {
    io.stdout.write(result.body.endsWith('\n') ? result.body : `${result.body}\n`);
    return EXIT_OK;
  }
  io.stdout.write(formatReport(result.summary, createPalette(shouldUseColor(io.stdout, io.env))));
  return EXIT_OK;
}

/**
 * Formats the summary as a table sorted by image id, with text columns left-aligned and
 * numbers right-aligned, followed by the overall line.
 */
export function formatReport(summary: LabelSummary, palette: Palette): string {
  const overall = formatOverall(summary.overall);
  if (summary.images.length === 0) {
    return `No labels recorded yet.\n${overall}\n`;
  }

  const images = [...summary.images].sort((a, b) => compareIds(a.image, b.image));
  const rows = images.map((image) => COLUMNS.map((column) => column.cell(image)));
  const widths = COLUMNS.map((column, index) =>
    Math.max(column.title.length, ...rows.map((row) => (row[index] as string).length)),
  );

  const formatRow = (cells: readonly string[]) =>
    cells
      .map((cell, index) => {
        const width = widths[index] as number;
        return COLUMNS[index]?.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();

  const header = palette.bold(formatRow(COLUMNS.map((column) => column.title)));
  return [header, ...rows.map(formatRow), '', overall, ''].join('\n');
}

/** Orders ids by UTF-16 code units; for lowercase hexadecimal ids of one length that is numeric order. */
function compareIds(a: string, b: string): number {
  if (a < b) {
    return -1;
  }
  return a > b ? 1 : 0;
}

function formatOverall(overall: LabelSummary['overall']): string {
  return `overall: ${overall.answers} answers on ${overall.images} images by ${overall.annotators} annotators, agreement ${formatShare(overall.agreement)}`;
}

function formatMajority(majority: ImageLabelSummary['majority']): string {
  if (majority === 'tie') {
    return 'tie';
  }
  return majority === HOT_DOG ? 'hot dog' : 'not hot dog';
}

/** Formats a share from 0 to 1 as a percentage with one decimal, so 2 of 3 reads 66.7%; null reads `-`. */
function formatShare(share: number | null): string {
  return share === null ? '-' : `${(share * 100).toFixed(1)}%`;
}
