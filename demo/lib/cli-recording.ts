import type { Frame } from './stage.js';
import { terminalToHtml } from './terminal-html.js';
import type { TmuxTerminal } from '../../test-support/tmux-terminal.js';

export interface CliRecordingOptions {
  /** True label of every image the session may be shown, by image id. */
  truth: ReadonlyMap<string, 0 | 1>;
  annotator: string;
  /** Multiplies every hold time: 1 for the published recording, less for the smoke test. */
  holdScale: number;
  /** Types each command in one step instead of key by key. */
  fastTyping: boolean;
}

export interface CliRecording {
  frames: Frame[];
  /** The plain screen text at the end of each step, by caption, for checks. */
  screens: { caption: string; text: string }[];
  /** The images labeled in the terminal session with the key pressed for each, in order. */
  answers: { image: string; label: 0 | 1 }[];
}

const CAPTIONS = {
  stats: 'Terminal · 1/4 · Stats round trip: hotdog stats sends the numbers, the worker returns the summary',
  rejected: 'Terminal · 2/4 · Rejected input: the client checks before sending, and the worker checks again',
  interactive: 'Terminal · 3/4 · Interactive mode: an invalid entry is reported inline and can be corrected',
  label: 'Terminal · 4/4 · Labeling session: h = hot dog, n = not hot dog; the 4 answers are sent together',
};

/** An empty shell prompt on the last line that has text: the previous command has finished. */
const SHELL_PROMPT = /(?:^|\n)\$ ?\s*$/;

/** Seconds that each typed key shows when typing key by key. */
const KEY_SECONDS = 0.06;

/** Upper bound for the screen to change after a key, before the recording goes on anyway. */
const ECHO_TIMEOUT_MS = 1_000;

/**
 * Records the `hotdog` client in a tmux terminal: a stats round trip, input rejected by the
 * client and by the worker, the interactive stats prompt with an inline error, and a labeling
 * session. Each step waits for the output it expects and throws when it never appears.
 */
export async function recordCli(terminal: TmuxTerminal, options: CliRecordingOptions): Promise<CliRecording> {
  const recorder = new TerminalRecorder(terminal, options);

  await terminal.waitFor(SHELL_PROMPT);
  recorder.caption = CAPTIONS.stats;
  await recorder.hold(1);
  await recorder.command('hotdog stats 10 9 8 100');
  await recorder.waitForOutput(/median\s+9\.5/, 3);
  await recorder.endStep();

  recorder.caption = CAPTIONS.rejected;
  await recorder.command('hotdog stats 3 -5 x');
  await recorder.waitForOutput(/INVALID_ENTRY/, 3);
  await recorder.command('hotdog stats --max-numbers 20 1 2 3 4 5 6 7 8 9 10 11 12');
  await recorder.waitForOutput(/HTTP 400 TOO_MANY_NUMBERS/, 3.5);
  await recorder.endStep();

  await recorder.clearScreen();
  recorder.caption = CAPTIONS.interactive;
  await recorder.command('hotdog stats');
  await recorder.waitAndHold(/Numbers, up to 10/, 1);
  await recorder.typeText('4 8 15 16 23 42 0');
  await terminal.press('Enter');
  await recorder.waitAndHold(/invalid numbers \(\w+\)/, 3);
  await recorder.press('BSpace', 'BSpace');
  await recorder.hold(0.8);
  await terminal.press('Enter');
  await recorder.waitAndHold(/median\s+15\.5/, 2);
  await recorder.waitAndHold(/Run another round\?/, 1);
  await recorder.typeText('n');
  await recorder.waitAndHold(SHELL_PROMPT, 1.5);
  await recorder.endStep();

  await recorder.clearScreen();
  recorder.caption = CAPTIONS.label;
  await recorder.command(`hotdog label --annotator '${options.annotator}' --image-mode blocks`);
  const answers: { image: string; label: 0 | 1 }[] = [];
  for (let position = 1; position <= 4; position += 1) {
    await terminal.waitFor(new RegExp(`Image ${position} of 4: hot dog\\?`));
    const image = lastImageId(await terminal.captureText());
    const label = options.truth.get(image);
    if (label === undefined) {
      throw new Error(`image ${image} has no known label, so the recording cannot choose a key for it`);
    }
    await recorder.hold(2.2);
    await recorder.typeText(label === 1 ? 'h' : 'n');
    answers.push({ image, label });
  }
  await recorder.waitForOutput(/The worker recorded 4 answers/, 4);
  await recorder.endStep();

  return { frames: recorder.frames, screens: recorder.screens, answers };
}

/** Returns the last image id in a URL on the screen, which is the image the label prompt shows. */
function lastImageId(screen: string): string {
  const ids = [...screen.matchAll(/\/v1\/images\/([0-9a-f]{64})/g)].map((match) => match[1]!);
  if (ids.length === 0) {
    throw new Error(`the terminal shows no image URL; the screen was:\n${screen}`);
  }
  return ids.at(-1)!;
}

/** Turns terminal screens into frames under the current caption. */
class TerminalRecorder {
  caption = '';
  readonly frames: Frame[] = [];
  readonly screens: { caption: string; text: string }[] = [];
  readonly #terminal: TmuxTerminal;
  readonly #options: CliRecordingOptions;

  constructor(terminal: TmuxTerminal, options: CliRecordingOptions) {
    this.#terminal = terminal;
    this.#options = options;
  }

  /** Adds the current screen as a frame shown for `seconds` (scaled by `holdScale`). */
  async hold(seconds: number): Promise<void> {
    const screen = await this.#terminal.captureStyled();
    this.frames.push({ caption: this.caption, seconds: seconds * this.#options.holdScale, terminalHtml: terminalToHtml(screen) });
  }

  async waitAndHold(pattern: RegExp, seconds: number): Promise<void> {
    await this.#terminal.waitFor(pattern);
    await this.hold(seconds);
  }

  /** Waits for a shell command's output and for the shell prompt after it, then holds. */
  async waitForOutput(pattern: RegExp, seconds: number): Promise<void> {
    await this.#terminal.waitFor(pattern);
    await this.waitAndHold(SHELL_PROMPT, seconds);
  }

  /** Clears the screen with `clear` without recording a frame, so a new step starts on an empty screen. */
  async clearScreen(): Promise<void> {
    await this.#terminal.waitFor(SHELL_PROMPT);
    await this.#terminal.type('clear');
    await this.#terminal.press('Enter');
    await this.#terminal.waitFor(/^\$ ?\s*$/);
  }

  /** Types text as a person would, one frame per key, unless fast typing is on. */
  async typeText(text: string): Promise<void> {
    if (this.#options.fastTyping) {
      const before = await this.#terminal.captureText();
      await this.#terminal.type(text);
      await this.#waitForChange(before);
      await this.hold(0.3);
      return;
    }
    for (const character of text) {
      const before = await this.#terminal.captureText();
      await this.#terminal.type(character);
      await this.#waitForChange(before);
      await this.hold(KEY_SECONDS);
    }
  }

  /** Waits for an empty shell prompt, then types a shell command and presses Enter. */
  async command(text: string): Promise<void> {
    await this.#terminal.waitFor(SHELL_PROMPT);
    await this.typeText(text);
    await this.hold(0.4);
    await this.#terminal.press('Enter');
  }

  async press(...keys: string[]): Promise<void> {
    const before = await this.#terminal.captureText();
    await this.#terminal.press(...keys);
    await this.#waitForChange(before);
  }

  /** Keeps the plain screen text of the step that ends, for the recording's manifest. */
  async endStep(): Promise<void> {
    this.screens.push({ caption: this.caption, text: await this.#terminal.captureText() });
  }

  async #waitForChange(before: string): Promise<void> {
    const deadline = Date.now() + ECHO_TIMEOUT_MS;
    while (Date.now() < deadline && (await this.#terminal.captureText()) === before) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
