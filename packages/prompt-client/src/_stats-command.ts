import { DEFAULT_MAX_NUMBERS, parseNumbers, StatsInputError } from '@hotdog-lab/stats-core';

import type { ParsedArguments } from './_args.js';
import type { CommandDefinition } from './_command.js';
import type { CliIo } from './_io.js';
import { createPalette, formatSummaryTable, shouldUseColor } from './_output.js';
import type { Palette } from './_output.js';
import { askAnotherRound, askForNumbers, formatInputError } from './_prompts.js';
import { readTimeoutMs, readWorkerUrl, TIMEOUT_OPTION, WORKER_OPTION } from './_settings.js';
import { CliError, EXIT_OK } from './cli-error.js';
import { StatsClient } from './stats-client.js';

/**
 * Rounds in one interactive session. A person never gets near it.
 * It stops a scripted session whose injected answers never quit.
 */
const MAX_ROUNDS = 10_000;

interface StatsSettings {
  workerUrl: string;
  json: boolean;
  maxCount: number;
  timeoutMs: number;
}

export const statsCommand: CommandDefinition = {
  name: 'stats',
  summary: 'Send positive integers to the worker and print count, min, max, mean and median',
  usage: [
    'Usage: hotdog stats [options] [numbers...]',
    '',
    "Sends numbers to the worker's POST /v1/stats endpoint and prints the summary.",
    'With numbers as arguments (4 8 15 or 4,8,15) it checks them, sends them once and exits.',
    'Without numbers it asks for them in rounds until you quit, which needs a terminal.',
  ].join('\n'),
  options: [
    WORKER_OPTION,
    { name: 'json', description: "Print the worker's JSON response body instead of a table" },
    {
      name: 'max-numbers',
      valueName: 'N',
      description: `Maximum count of numbers accepted before sending (default: ${DEFAULT_MAX_NUMBERS})`,
    },
    TIMEOUT_OPTION,
  ],
  run: runStats,
};

async function runStats(args: ParsedArguments, io: CliIo): Promise<number> {
  const settings = readSettings(args, io.env);
  const client = new StatsClient({ workerUrl: settings.workerUrl, timeoutMs: settings.timeoutMs });
  const palette = createPalette(shouldUseColor(io.stdout, io.env));

  if (args.positionals.length > 0) {
    const numbers = parseArgumentNumbers(args.positionals, settings.maxCount);
    await sendAndPrint(client, numbers, settings, io, palette);
    return EXIT_OK;
  }

  if (io.stdin.isTTY !== true) {
    throw new CliError(
      'NOT_A_TERMINAL',
      'no numbers given and stdin is not a terminal; pass the numbers as arguments (hotdog stats 4 8 15) or run hotdog stats in a terminal',
    );
  }
  return runRounds(client, settings, io, palette);
}

/** Runs the interactive loop: ask, send, print, ask for another round. */
async function runRounds(client: StatsClient, settings: StatsSettings, io: CliIo, palette: Palette): Promise<number> {
  io.stdout.write(palette.dim(`Worker: ${client.endpoint}\n`));

  for (let round = 1; round <= MAX_ROUNDS; round += 1) {
    const numbers = await askForNumbers(io, palette, settings.maxCount);
    if (numbers === undefined) {
      return EXIT_OK;
    }

    await sendAndPrint(client, numbers, settings, io, palette);

    const again = await askAnotherRound(io);
    if (!again) {
      return EXIT_OK;
    }
  }

  io.stderr.write(`stopped after ${MAX_ROUNDS} rounds; run hotdog stats again to go on\n`);
  return EXIT_OK;
}

async function sendAndPrint(
  client: StatsClient,
  numbers: number[],
  settings: StatsSettings,
  io: CliIo,
  palette: Palette,
): Promise<void> {
  const result = await client.postStats(numbers);

  if (settings.json) {
    io.stdout.write(result.body.endsWith('\n') ? result.body : `${result.body}\n`);
    return;
  }
  io.stdout.write(formatSummaryTable(result.summary, palette));
}

function parseArgumentNumbers(positionals: readonly string[], maxCount: number): number[] {
  try {
    return parseNumbers(positionals.join(' '), { maxCount });
  } catch (error) {
    if (error instanceof StatsInputError) {
      throw new CliError('INVALID_NUMBERS', `${formatInputError(error)} Nothing was sent.`);
    }
    throw error;
  }
}

function readSettings(args: ParsedArguments, env: Readonly<Record<string, string | undefined>>): StatsSettings {
  return {
    workerUrl: readWorkerUrl(args, env),
    json: args.options.get('json') === true,
    maxCount: readMaxNumbers(args.options.get('max-numbers')),
    timeoutMs: readTimeoutMs(args.options.get('timeout')),
  };
}

function readMaxNumbers(value: string | true | undefined): number {
  if (value === undefined) {
    return DEFAULT_MAX_NUMBERS;
  }
  const count = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new CliError('INVALID_OPTION_VALUE', `invalid --max-numbers "${String(value)}"; expected a positive integer`);
  }
  return count;
}
