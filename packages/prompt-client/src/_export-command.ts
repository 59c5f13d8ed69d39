import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import type { ParsedArguments } from './_args.js';
import type { CommandDefinition } from './_command.js';
import { createCountProgress } from './_count-progress.js';
import { exportImageFolder, type ImageFolderResult } from './_image-folder-export.js';
import type { CliIo } from './_io.js';
import { readTimeoutMs, readWorkerUrl, rejectPositionals, TIMEOUT_OPTION, WORKER_OPTION } from './_settings.js';
import { CliError, EXIT_FAILURE, EXIT_OK } from './cli-error.js';
import { LabelClient } from './label-client.js';

export const EXPORT_FORMATS = ['csv', 'jsonl', 'imagefolder'] as const;
type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Default lowest confidence of an exported image: the worker's own threshold for a settled label. */
export const DEFAULT_MIN_CONFIDENCE = 0.8;

/** Default share of each class held out for validation, a common 80/20 split. */
export const DEFAULT_VAL_SHARE = 0.2;

/** Largest --seed, 2^32 - 1: the usual range of seeds, and every integer in it is exact in a double. */
const MAX_SEED = 2 ** 32 - 1;

/** Options that only the imagefolder format reads. */
const IMAGE_FOLDER_OPTIONS = ['min-confidence', 'val-share', 'seed'] as const;

export const exportCommand: CommandDefinition = {
  name: 'export',
  summary: 'Export the consolidated labels as CSV, JSON lines or an image folder training set',
  usage: [
    'Usage: hotdog export --format csv [--out FILE] [options]',
    '       hotdog export --format jsonl [--out FILE] [options]',
    '       hotdog export --format imagefolder --out DIR [--min-confidence C] [--val-share S] [--seed N] [options]',
    '',
    'csv          GET /v1/export/labels.csv: one row per image with votes (image, label,',
    '             confidence, votes, hot_dog_votes, not_hot_dog_votes, annotators, needs_more_labels).',
    '             Printed to stdout, or written to FILE with --out.',
    'jsonl        One JSON object per image with votes: {"id","label","confidence","votes"}.',
    'imagefolder  Downloads the images with at least the minimum confidence into',
    '             DIR/train/hotdog, DIR/train/not_hotdog, DIR/val/hotdog and DIR/val/not_hotdog',
    '             as <id>.<ext>, and writes DIR/manifest.csv with the split, label, confidence and',
    '             SHA-256 of each file. Each class is split on its own by a hash of the seed and the',
    '             image id, so the split is the same on every run. A second run keeps files whose',
    '             checksum matches, fetches corrupt ones again, and removes images no longer exported.',
  ].join('\n'),
  options: [
    { name: 'format', valueName: 'FORMAT', description: `Output format: ${EXPORT_FORMATS.join(', ')} (required)` },
    { name: 'out', valueName: 'PATH', description: 'File to write (csv, jsonl; default stdout) or folder to fill (imagefolder; required)' },
    {
      name: 'min-confidence',
      valueName: 'C',
      description: `imagefolder: leave out images whose confidence is below C, from 0 to 1 (default: ${DEFAULT_MIN_CONFIDENCE})`,
    },
    { name: 'val-share', valueName: 'S', description: `imagefolder: share of each class in val, from 0 to 1 (default: ${DEFAULT_VAL_SHARE})` },
    { name: 'seed', valueName: 'N', description: 'imagefolder: seed of the train/val split, an integer (default: 0)' },
    WORKER_OPTION,
    TIMEOUT_OPTION,
  ],
  run: runExport,
};

async function runExport(args: ParsedArguments, io: CliIo): Promise<number> {
  const workerUrl = readWorkerUrl(args, io.env);
  const timeoutMs = readTimeoutMs(args.options.get('timeout'));
  rejectPositionals(args, 'export');
  const format = readFormat(args.options.get('format'));
  const out = args.options.get('out');
  const client = new LabelClient({ workerUrl, timeoutMs });

  if (format !== 'imagefolder') {
    const folderOption = IMAGE_FOLDER_OPTIONS.find((name) => args.options.has(name));
    if (folderOption !== undefined) {
      throw new CliError('UNEXPECTED_ARGUMENT', `option --${folderOption} applies only to --format imagefolder, not to --format ${format}`);
    }
    const text = format === 'csv' ? await client.getExportCsv() : await formatJsonLines(client);
    await writeOutput(typeof out === 'string' ? out : undefined, text, io);
    return EXIT_OK;
  }

  if (typeof out !== 'string') {
    throw new CliError('INVALID_OPTION_VALUE', 'missing --out DIR; --format imagefolder writes a folder tree (hotdog export --format imagefolder --out dataset)');
  }
  const outDir = resolve(out);
  let progress: ReturnType<typeof createCountProgress> | undefined;
  const result = await exportImageFolder({
    client,
    outDir,
    minConfidence: readShare(args.options.get('min-confidence'), 'min-confidence', DEFAULT_MIN_CONFIDENCE),
    valShare: readShare(args.options.get('val-share'), 'val-share', DEFAULT_VAL_SHARE),
    seed: readSeed(args.options.get('seed')),
    onProgress: (done, total) => {
      progress ??= createCountProgress(io.stderr, 'images', total);
      progress.update(done);
    },
  });
  progress?.clear();

  io.stdout.write(formatSummary(result, outDir));
  for (const failure of result.failures) {
    io.stderr.write(`hotdog: image ${failure.id} failed: ${failure.message}\n`);
  }
  return result.failures.length === 0 ? EXIT_OK : EXIT_FAILURE;
}

async function formatJsonLines(client: LabelClient): Promise<string> {
  const { consensus } = await client.getConsensus();
  return consensus.images
    .map((image) => `${JSON.stringify({ id: image.image, label: image.label, confidence: image.confidence, votes: image.answers })}\n`)
    .join('');
}

async function writeOutput(path: string | undefined, text: string, io: CliIo): Promise<void> {
  if (path === undefined) {
    io.stdout.write(text);
    return;
  }
  try {
    await writeFile(path, text);
  } catch (error) {
    const reason = (error as { code?: unknown } | null)?.code ?? String(error);
    throw new CliError('OUTPUT_FAILED', `cannot write ${path} (${String(reason)}); check the path and that its folder exists`, EXIT_FAILURE);
  }
}

/** Formats the closing lines: what the folder holds, and what this run did to get there. */
export function formatSummary(result: ImageFolderResult, outDir: string): string {
  const { train, val } = result.counts;
  return [
    `Exported ${result.exported} images to ${outDir}`,
    `  train: ${train.hotDog} hot dog, ${train.notHotDog} not hot dog`,
    `  val:   ${val.hotDog} hot dog, ${val.notHotDog} not hot dog`,
    `  downloaded ${result.downloaded}, already present ${result.alreadyPresent}, re-downloaded ${result.repaired} with a wrong checksum, moved ${result.moved}, removed ${result.removed} no longer exported`,
    `  left out ${result.leftOut} below the minimum confidence, failed ${result.failures.length}`,
    '',
  ].join('\n');
}

function readFormat(value: string | true | undefined): ExportFormat {
  if (value === undefined) {
    throw new CliError('INVALID_OPTION_VALUE', `missing --format; expected one of: ${EXPORT_FORMATS.join(', ')}`);
  }
  if (!(EXPORT_FORMATS as readonly unknown[]).includes(value)) {
    throw new CliError('INVALID_OPTION_VALUE', `invalid --format "${String(value)}"; expected one of: ${EXPORT_FORMATS.join(', ')}`);
  }
  return value as ExportFormat;
}

function readShare(value: string | true | undefined, name: string, fallback: number): number {
  if (value === undefined) {
    return fallback;
  }
  const share = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!(share >= 0 && share <= 1)) {
    throw new CliError('INVALID_OPTION_VALUE', `invalid --${name} "${String(value)}"; expected a number from 0 to 1, such as 0.8`);
  }
  return share;
}

function readSeed(value: string | true | undefined): number {
  if (value === undefined) {
    return 0;
  }
  const seed = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(seed) || seed > MAX_SEED) {
    throw new CliError('INVALID_OPTION_VALUE', `invalid --seed "${String(value)}"; expected an integer from 0 to ${MAX_SEED}`);
  }
  return seed;
}
