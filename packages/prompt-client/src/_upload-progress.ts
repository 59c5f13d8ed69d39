import type { OutputStream } from './_output.js';
import type { UploadProgress } from './_upload-request.js';

/** Characters of the progress bar on a terminal. */
const BAR_WIDTH = 24;

/** Percentages at which a non-terminal output gets a progress line. */
const PLAIN_MILESTONES = [25, 50, 75, 100];

const CLEAR_LINE = '\r\u001B[2K';

/** Progress display of one file: `update` for each chunk, `clear` before the result line. */
export interface ProgressDisplay {
  update(progress: UploadProgress): void;
  clear(): void;
}

/**
 * Creates the progress display for one file. On a terminal it redraws one line with a bar,
 * bytes sent and total, and a percentage, at most once per whole percent. Elsewhere it writes a
 * plain line at the start and at 25, 50, 75 and 100 percent.
 */
export function createProgressDisplay(stream: OutputStream, label: string): ProgressDisplay {
  return stream.isTTY === true ? createBarDisplay(stream, label) : createPlainDisplay(stream, label);
}

function createBarDisplay(stream: OutputStream, label: string): ProgressDisplay {
  let drawnPercent = -1;
  let drawn = false;

  return {
    update({ sentBytes, totalBytes }) {
      const percent = toPercent(sentBytes, totalBytes);
      if (percent === drawnPercent) {
        return;
      }
      drawnPercent = percent;
      drawn = true;
      const filled = Math.round((percent / 100) * BAR_WIDTH);
      const bar = `${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}`;
      stream.write(
        `${CLEAR_LINE}${label}  [${bar}]  ${formatBytes(sentBytes)} / ${formatBytes(totalBytes)}  ${percent}%`,
      );
    },
    clear() {
      if (drawn) {
        stream.write(CLEAR_LINE);
      }
    },
  };
}

function createPlainDisplay(stream: OutputStream, label: string): ProgressDisplay {
  let started = false;
  let nextMilestone = 0;

  return {
    update({ sentBytes, totalBytes }) {
      if (!started) {
        started = true;
        stream.write(`${label}: sending ${formatBytes(totalBytes)}\n`);
      }
      // An empty file has nothing to report past its start line.
      if (totalBytes === 0) {
        return;
      }
      const percent = toPercent(sentBytes, totalBytes);
      let reached: number | undefined;
      while (nextMilestone < PLAIN_MILESTONES.length && percent >= (PLAIN_MILESTONES[nextMilestone] as number)) {
        reached = PLAIN_MILESTONES[nextMilestone];
        nextMilestone += 1;
      }
      if (reached !== undefined) {
        stream.write(`${label}: sent ${formatBytes(sentBytes)} of ${formatBytes(totalBytes)} (${reached}%)\n`);
      }
    },
    clear() {},
  };
}

function toPercent(sentBytes: number, totalBytes: number): number {
  return totalBytes === 0 ? 100 : Math.floor((sentBytes / totalBytes) * 100);
}

/** Formats a byte count with binary units: `512 B`, `1.5 KiB`, `3.2 MiB`, `1.0 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB'];
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
