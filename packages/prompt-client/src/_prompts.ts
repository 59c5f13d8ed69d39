import { parseNumbers, StatsInputError } from '@hotdog-lab/stats-core';
import prompts from 'prompts';
import type { PromptObject } from 'prompts';

import type { CliIo } from './_io.js';
import type { Palette } from './_output.js';
import { CliError, EXIT_CANCELLED } from './cli-error.js';

/** Answers to the numbers prompt that end the session, compared after trimming and lower-casing. */
const QUIT_ANSWERS: ReadonlySet<string> = new Set(['', 'q', 'quit']);

/**
 * Invalid answers accepted in a row before giving up. A person never gets near it.
 * It stops a scripted session (answers from `prompts.inject`) that keeps sending invalid answers.
 */
const MAX_INVALID_ANSWERS = 100;

/**
 * Asks for numbers until the answer is valid or means quit.
 * Returns the parsed numbers, or undefined when the user quits (empty answer or `q`).
 *
 * The prompt's `validate` hook shows the failed rule inline and keeps the prompt open.
 * NOTE: prompts 2.4.2 redraws that inline message wrongly (each key typed afterwards erased a row
 * above the prompt). The workspace patches it (patches/prompts@2.4.2.patch); an install outside
 * the workspace gets the unpatched package.
 * Answers injected with `prompts.inject` skip that hook, so the answer is parsed again
 * here and an invalid one is reported on stderr before asking again.
 * Throws CliError CANCELLED on Ctrl-C.
 */
export async function askForNumbers(io: CliIo, palette: Palette, maxCount: number): Promise<number[] | undefined> {
  for (let attempt = 1; attempt <= MAX_INVALID_ANSWERS; attempt += 1) {
    const answer = await ask<string>(io, {
      type: 'text',
      name: 'value',
      message: `Numbers, up to ${maxCount} (commas or spaces; empty or q quits)`,
      validate: (text: string) => validateNumbersAnswer(text, maxCount),
    });

    if (answer === undefined || isQuitAnswer(answer)) {
      return undefined;
    }

    try {
      return parseNumbers(answer, { maxCount });
    } catch (error) {
      if (!(error instanceof StatsInputError)) {
        throw error;
      }
      io.stderr.write(`${palette.red(formatInputError(error))}\n`);
    }
  }

  throw new CliError('INVALID_NUMBERS', `stopped after ${MAX_INVALID_ANSWERS} invalid entries in a row`);
}

/** Asks whether to run another round. Returns false when the user declines or submits no answer. */
export async function askAnotherRound(io: CliIo): Promise<boolean> {
  const answer = await ask<boolean>(io, {
    type: 'confirm',
    name: 'value',
    message: 'Run another round?',
    initial: true,
  });
  return answer === true;
}

/**
 * Validates a numbers answer for the prompt's `validate` hook.
 * Returns true for a valid list or a quit answer, otherwise the message of the rule that failed.
 */
export function validateNumbersAnswer(text: string, maxCount: number): true | string {
  if (isQuitAnswer(text)) {
    return true;
  }
  try {
    parseNumbers(text, { maxCount });
    return true;
  } catch (error) {
    if (error instanceof StatsInputError) {
      return formatInputError(error);
    }
    throw error;
  }
}

export function formatInputError(error: StatsInputError): string {
  return `invalid numbers (${error.code}): ${error.message}`;
}

function isQuitAnswer(text: string): boolean {
  return QUIT_ANSWERS.has(text.trim().toLowerCase());
}

/**
 * Shows one prompt on the injected streams. Throws CliError CANCELLED with `cancelMessage`
 * when the user presses Ctrl-C or Escape.
 */
export async function ask<T>(
  io: CliIo,
  question: PromptObject<'value'>,
  cancelMessage = 'cancelled; the current entry was not sent',
): Promise<T | undefined> {
  let cancelled = false;
  const answers = await prompts(
    { ...question, stdin: io.stdin, stdout: io.stdout },
    {
      onCancel: () => {
        cancelled = true;
        return false;
      },
    },
  );

  if (cancelled) {
    throw new CliError('CANCELLED', cancelMessage, EXIT_CANCELLED);
  }
  return answers.value as T | undefined;
}
