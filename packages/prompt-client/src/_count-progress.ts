import type { OutputStream } from './_output.js';

/** Characters of the progress bar on a terminal. */
const BAR_WIDTH = 24;

/** Percentages at which a non-terminal output gets a progress line. */
const PLAIN_MILESTONES = [25, 50, 75, 100];

const CLEAR_LINE = '\r\u001B[2K';

/** Progress of a run over a known number of items: `update` after each item, `clear` before the summary. */
export interface CountProgress {
  update(done: number): void;
  clear(): void;
}

/**
 * Creates a progress display for `total` items named `noun` (plural). On a terminal it redraws
 * one line with a bar and `done/total`. Elsewhere it writes a plain line at 25, 50, 75 and 100 %.
 */
export function createCountProgress(stream: OutputStream, noun: string, total: number): CountProgress {
  if (stream.isTTY === true) {
    let drawn = false;
    return {
      update(done) {
        drawn = true;
        const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
        stream.write(`${CLEAR_LINE}${noun}  [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]  ${done}/${total}`);
      },
      clear() {
        if (drawn) {
          stream.write(CLEAR_LINE);
        }
      },
    };
  }

  let nextMilestone = 0;
  return {
    update(done) {
      const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
      let reached: number | undefined;
      while (nextMilestone < PLAIN_MILESTONES.length && percent >= (PLAIN_MILESTONES[nextMilestone] as number)) {
        reached = PLAIN_MILESTONES[nextMilestone];
        nextMilestone += 1;
      }
      if (reached !== undefined) {
        stream.write(`${noun}: ${done} of ${total} (${reached}%)\n`);
      }
    },
    clear() {},
  };
}
