import type { PromptObject } from 'prompts';

import type { CliIo } from './_io.js';
import { ask } from './_prompts.js';

export type LabelChoice = 'hot-dog' | 'not-hot-dog' | 'skip';

interface ChoiceSpec {
  value: LabelChoice;
  title: string;
  /** Keys that pick this choice at once, without Enter. */
  keys: readonly string[];
}

const CHOICES: readonly ChoiceSpec[] = [
  { value: 'hot-dog', title: 'hot dog', keys: ['h', '1'] },
  { value: 'not-hot-dog', title: 'not hot dog', keys: ['n', '0'] },
  { value: 'skip', title: 'skip', keys: ['s'] },
];

const HINT = 'press h or 1 for hot dog, n or 0 for not hot dog, s to skip; or use the arrows and Enter';

/**
 * Parts of the select prompt of `prompts` 2.4.2 that the shortcut keys use. They are not in its
 * public types: `onRender` runs with the prompt as `this`, and the prompt passes every key
 * without an action of its own (everything but arrows, j, k, Enter, Tab, Escape and Ctrl keys)
 * to `_`.
 */
interface SelectPromptInternals {
  firstRender: boolean;
  _?: (character: string, key: unknown) => void;
  moveCursor(index: number): void;
  submit(): void;
}

/**
 * Asks for the label of one image with a select prompt whose choices can also be picked with
 * one key (h/1, n/0, s). Throws CliError CANCELLED on Ctrl-C or Escape.
 */
export async function askLabel(io: CliIo, position: number, total: number): Promise<LabelChoice> {
  const question = {
    type: 'select',
    name: 'value',
    message: `Image ${position} of ${total}: hot dog?`,
    hint: HINT,
    choices: CHOICES.map((choice) => ({ title: `${choice.title} [${choice.keys.join('/')}]`, value: choice.value })),
    initial: 0,
    onRender: installShortcutKeys,
  } as PromptObject<'value'>;

  const answer = await ask<unknown>(io, question, 'cancelled; no answers were sent');
  const choice = CHOICES.find((candidate) => candidate.value === answer);
  if (choice === undefined) {
    throw new TypeError(`unexpected label answer ${JSON.stringify(answer)}; expected hot-dog, not-hot-dog or skip`);
  }
  return choice.value;
}

/** Replaces the prompt's handler for other keys, on its first render, with one that also handles the shortcut keys. */
function installShortcutKeys(this: SelectPromptInternals): void {
  if (!this.firstRender) {
    return;
  }
  const otherKey = this._?.bind(this);

  this._ = (character: string, key: unknown) => {
    const index = CHOICES.findIndex((choice) => choice.keys.includes(character.toLowerCase()));
    if (index === -1) {
      otherKey?.(character, key);
      return;
    }
    this.moveCursor(index);
    this.submit();
  };
}
