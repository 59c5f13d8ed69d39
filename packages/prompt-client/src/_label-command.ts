import { randomUUID } from 'node:crypto';

import type { ParsedArguments } from './_args.js';
import type { CommandDefinition } from './_command.js';
import { ImageDecodeError } from './_image-decode.js';
import { choosePreviewStyle, IMAGE_MODES, previewBox, renderPreview } from './_image-preview.js';
import type { ImageMode, PreviewStyle } from './_image-preview.js';
import type { CliIo } from './_io.js';
import { askLabel } from './_label-prompt.js';
import { createPalette, shouldUseColor } from './_output.js';
import type { Palette } from './_output.js';
import { sendLabelsWithRetry } from './_send-labels.js';
import {
  ANNOTATOR_OPTION,
  readAnnotator,
  readPositiveInteger,
  readTimeoutMs,
  readWorkerUrl,
  rejectPositionals,
  TIMEOUT_OPTION,
  WORKER_OPTION,
} from './_settings.js';
import { CliError, EXIT_OK } from './cli-error.js';
import { HOT_DOG, LabelClient, NOT_HOT_DOG } from './label-client.js';
import type { LabelAnswer, LabelReceipt, SampleImage } from './label-client.js';
import { WorkerRequestError } from './worker-request-error.js';

const DEFAULT_SAMPLE_COUNT = 4;

/** Largest --count. A session's answers go out in one request at its end, so a long session risks more unsent work. */
const MAX_SAMPLE_COUNT = 100;

interface LabelSettings {
  workerUrl: string;
  annotator: string;
  count: number;
  imageMode: ImageMode;
  timeoutMs: number;
}

/** Counts of one labeling session. */
interface SessionTally {
  shown: number;
  hotDog: number;
  notHotDog: number;
  skipped: number;
}

export const labelCommand: CommandDefinition = {
  name: 'label',
  summary: 'Show images you have not labeled yet and send your hot dog / not hot dog answers',
  usage: [
    'Usage: hotdog label --annotator NAME [options]',
    '',
    'Fetches up to --count images that NAME has not labeled yet and shows them one after another:',
    'as an inline image where the terminal supports one (iTerm2, WezTerm, kitty), else as coloured',
    'blocks, and always as a URL. For each image press h or 1 for hot dog, n or 0 for not hot dog,',
    'or s to skip. After the last image all answers are sent in one request, retried on network',
    'and 5xx errors with the same answer ids, so a retry never records an answer twice.',
    'Ctrl-C or Escape at a prompt ends the session and sends nothing. Needs a terminal on stdin.',
  ].join('\n'),
  options: [
    ANNOTATOR_OPTION,
    {
      name: 'count',
      valueName: 'N',
      description: `Images in this session, from 1 to ${MAX_SAMPLE_COUNT} (default: ${DEFAULT_SAMPLE_COUNT})`,
    },
    WORKER_OPTION,
    {
      name: 'image-mode',
      valueName: 'MODE',
      description:
        'How pictures are shown: auto, inline (terminal image protocol), blocks (coloured text) or none (default: auto)',
    },
    TIMEOUT_OPTION,
  ],
  run: runLabel,
};

async function runLabel(args: ParsedArguments, io: CliIo): Promise<number> {
  const settings = readSettings(args, io.env);
  rejectPositionals(args, 'label');
  if (io.stdin.isTTY !== true) {
    throw new CliError(
      'NOT_A_TERMINAL',
      'hotdog label asks for each label and needs a terminal on stdin, but stdin is not a terminal; run it in a terminal',
    );
  }

  const client = new LabelClient({ workerUrl: settings.workerUrl, timeoutMs: settings.timeoutMs });
  const palette = createPalette(shouldUseColor(io.stdout, io.env));
  const style = choosePreviewStyle(settings.imageMode, io.stdout, io.env);

  const sample = await client.sampleImages(settings.annotator, settings.count);
  const images = sample.images.slice(0, settings.count);
  if (images.length === 0) {
    io.stdout.write(`${settings.annotator} has labeled every image on the worker; there is nothing to label.\n`);
    return EXIT_OK;
  }
  const intro = `Worker: ${settings.workerUrl}. Showing ${images.length} of the ${sample.remaining} images that ${settings.annotator} has not labeled yet.`;
  io.stdout.write(`${palette.dim(intro)}\n`);

  const { answers, tally } = await collectAnswers(client, images, style, io, palette);
  if (answers.length === 0) {
    io.stdout.write(`${formatTally(tally)}\nNothing to send, because every image was skipped.\n`);
    return EXIT_OK;
  }

  const receipt = await sendOrPrint(client, settings.annotator, answers, io, palette);
  io.stdout.write(`${formatTally(tally)}\n${formatReceipt(receipt)}\n`);
  return EXIT_OK;
}

/** Shows each image and prompts for its label. Throws CliError CANCELLED when the user cancels a prompt. */
async function collectAnswers(
  client: LabelClient,
  images: readonly SampleImage[],
  style: PreviewStyle,
  io: CliIo,
  palette: Palette,
): Promise<{ answers: LabelAnswer[]; tally: SessionTally }> {
  const answers: LabelAnswer[] = [];
  const tally: SessionTally = { shown: images.length, hotDog: 0, notHotDog: 0, skipped: 0 };

  for (const [index, image] of images.entries()) {
    io.stdout.write(`\n${palette.bold(`Image ${index + 1} of ${images.length}`)}  ${image.id}\n`);
    await showPreview(client, image, style, io, palette);
    io.stdout.write(`${imageUrl(client, image)}\n`);

    const choice = await askLabel(io, index + 1, images.length);
    if (choice === 'skip') {
      tally.skipped += 1;
      continue;
    }
    if (choice === 'hot-dog') {
      tally.hotDog += 1;
    } else {
      tally.notHotDog += 1;
    }
    answers.push({ image: image.id, label: choice === 'hot-dog' ? HOT_DOG : NOT_HOT_DOG, answerId: randomUUID() });
  }
  return { answers, tally };
}

/**
 * Prints the picture in the session's style. A picture that cannot be fetched or decoded gets
 * a one-line note instead, because the URL printed next still lets the user open it.
 */
async function showPreview(
  client: LabelClient,
  image: SampleImage,
  style: PreviewStyle,
  io: CliIo,
  palette: Palette,
): Promise<void> {
  if (style.kind === 'none') {
    return;
  }
  try {
    const fetched = await client.fetchImage(image.url);
    io.stdout.write(renderPreview(fetched.bytes, style, previewBox(io.stdout)));
  } catch (error) {
    if (!(error instanceof WorkerRequestError) && !(error instanceof ImageDecodeError)) {
      throw error;
    }
    io.stdout.write(`${palette.dim(`No picture: ${error.message}`)}\n`);
  }
}

function imageUrl(client: LabelClient, image: SampleImage): string {
  try {
    return client.resolve(image.url);
  } catch {
    return image.url;
  }
}

/**
 * Sends the answers with retries. When that fails, prints the unsent request body to stdout,
 * so no answer is lost, and rethrows the error for runCli to report with exit code 1.
 */
async function sendOrPrint(
  client: LabelClient,
  annotator: string,
  answers: readonly LabelAnswer[],
  io: CliIo,
  palette: Palette,
): Promise<LabelReceipt> {
  io.stdout.write(`\n${palette.dim(`Sending ${answers.length} answers...`)}\n`);
  try {
    return await sendLabelsWithRetry(client, annotator, answers, {
      log: (line) => io.stderr.write(`hotdog: ${line}\n`),
    });
  } catch (error) {
    io.stdout.write(
      [
        `These ${answers.length} answers were not recorded. To record them, send this JSON body to POST /v1/labels;`,
        'the answer ids make a resend safe:',
        JSON.stringify({ annotator, answers }),
        '',
      ].join('\n'),
    );
    throw error;
  }
}

function formatTally(tally: SessionTally): string {
  const labeled = tally.hotDog + tally.notHotDog;
  return `Labeled ${labeled} of ${tally.shown} images: ${tally.hotDog} hot dog, ${tally.notHotDog} not hot dog, ${tally.skipped} skipped.`;
}

function formatReceipt(receipt: LabelReceipt): string {
  const requestId = receipt.requestId === undefined ? '' : ` (request id ${receipt.requestId})`;
  return `The worker recorded ${receipt.recorded} answers; ${receipt.duplicates} were duplicates of answers it already had${requestId}.`;
}

function readSettings(args: ParsedArguments, env: Readonly<Record<string, string | undefined>>): LabelSettings {
  return {
    workerUrl: readWorkerUrl(args, env),
    annotator: readAnnotator(args, env, 'label'),
    count: readPositiveInteger(args.options.get('count'), 'count', DEFAULT_SAMPLE_COUNT, MAX_SAMPLE_COUNT),
    imageMode: readImageMode(args.options.get('image-mode')),
    timeoutMs: readTimeoutMs(args.options.get('timeout')),
  };
}

function readImageMode(value: string | true | undefined): ImageMode {
  if (value === undefined) {
    return 'auto';
  }
  const mode = IMAGE_MODES.find((candidate) => candidate === value);
  if (mode === undefined) {
    throw new CliError(
      'INVALID_OPTION_VALUE',
      `invalid --image-mode "${String(value)}"; expected one of: ${IMAGE_MODES.join(', ')}`,
    );
  }
  return mode;
}
