import type { ParsedArguments } from './_args.js';
import type { CommandDefinition } from './_command.js';
import type { CliIo } from './_io.js';
import { createPalette, shouldUseColor } from './_output.js';
import type { Palette } from './_output.js';
import {
  ANNOTATOR_OPTION,
  API_TOKEN_OPTION,
  readApiToken,
  readAnnotator,
  readTimeoutMs,
  readWorkerUrl,
  TIMEOUT_OPTION,
  WORKER_OPTION,
} from './_settings.js';
import { createProgressDisplay } from './_upload-progress.js';
import { DEFAULT_TIMEOUT_MS } from './_worker-http.js';
import { CliError, EXIT_FAILURE, EXIT_OK } from './cli-error.js';
import { LabelClient } from './label-client.js';
import type { UploadedImage } from './label-client.js';
import { LocalFileError } from './local-file-error.js';
import { WorkerRequestError } from './worker-request-error.js';

/** Outcome of one file: the stored image, or the message of the failure. */
type FileOutcome = { ok: true; image: UploadedImage } | { ok: false; message: string };

export const uploadCommand: CommandDefinition = {
  name: 'upload',
  summary: 'Upload image files to the worker, one request per file',
  usage: [
    'Usage: hotdog upload --annotator NAME [options] FILE...',
    '',
    'Uploads each file in its own POST /v1/images request, streamed from disk, and prints one',
    'result line per file: the image id and whether the worker created it or already had it, or',
    "the worker's error. A missing or unreadable file fails on its own; the other files are still sent.",
    'The worker accepts JPEG, PNG, WebP and GIF, up to 10 MiB per file unless it is configured otherwise.',
  ].join('\n'),
  options: [
    ANNOTATOR_OPTION,
    WORKER_OPTION,
    API_TOKEN_OPTION,
    {
      ...TIMEOUT_OPTION,
      description: `Time an upload may go without sending or receiving anything, in seconds (default: ${DEFAULT_TIMEOUT_MS / 1000})`,
    },
  ],
  run: runUpload,
};

async function runUpload(args: ParsedArguments, io: CliIo): Promise<number> {
  const workerUrl = readWorkerUrl(args, io.env);
  const annotator = readAnnotator(args, io.env, 'upload');
  const timeoutMs = readTimeoutMs(args.options.get('timeout'));
  const files = args.positionals;
  if (files.length === 0) {
    throw new CliError('MISSING_FILES', 'missing files to upload; pass one or more paths (hotdog upload --annotator alice cat.jpg)');
  }

  const client = new LabelClient({ workerUrl, timeoutMs, apiToken: readApiToken(args, io.env) });
  const palette = createPalette(shouldUseColor(io.stdout, io.env));
  const outcomes: FileOutcome[] = [];

  for (const file of files) {
    const outcome = await uploadOne(client, annotator, file, io);
    outcomes.push(outcome);
    printOutcome(file, outcome, io, palette);
  }

  io.stdout.write(`${formatTotals(outcomes)}\n`);
  return outcomes.every((outcome) => outcome.ok) ? EXIT_OK : EXIT_FAILURE;
}

/** Uploads one file; worker, network and local file errors become a failed outcome, other errors propagate. */
async function uploadOne(client: LabelClient, annotator: string, file: string, io: CliIo): Promise<FileOutcome> {
  const progress = createProgressDisplay(io.stdout, file);
  try {
    const image = await client.uploadImage(annotator, file, (update) => progress.update(update));
    return { ok: true, image };
  } catch (error) {
    if (error instanceof LocalFileError) {
      return { ok: false, message: error.message };
    }
    if (error instanceof WorkerRequestError) {
      const requestId = error.requestId === undefined ? '' : ` (request id ${error.requestId})`;
      return { ok: false, message: `${error.message}${requestId}` };
    }
    throw error;
  } finally {
    progress.clear();
  }
}

function printOutcome(file: string, outcome: FileOutcome, io: CliIo, palette: Palette): void {
  if (!outcome.ok) {
    io.stderr.write(`${palette.red(`hotdog: ${file}: upload failed: ${outcome.message}`)}\n`);
    return;
  }
  const { image } = outcome;
  const state = image.created ? 'created' : 'already present';
  io.stdout.write(`${file}: ${state}, id ${image.id} (${image.contentType}, ${image.width}x${image.height})\n`);
}

function formatTotals(outcomes: readonly FileOutcome[]): string {
  let created = 0;
  let present = 0;
  let failed = 0;
  for (const outcome of outcomes) {
    if (!outcome.ok) {
      failed += 1;
    } else if (outcome.image.created) {
      created += 1;
    } else {
      present += 1;
    }
  }
  return `Uploaded ${created + present} of ${outcomes.length} files: ${created} created, ${present} already present, ${failed} failed.`;
}
