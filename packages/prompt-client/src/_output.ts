import type { Summary } from '@hotdog-lab/stats-core';

/** Minimal writable stream: `process.stdout` or a test double. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** ANSI styles that turn into plain text when colour is off. */
export interface Palette {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
}

const SUMMARY_ROWS: ReadonlyArray<keyof Summary & string> = ['count', 'min', 'max', 'mean', 'median'];

/**
 * Returns true when ANSI colour may be written to `stream`: it is a terminal,
 * NO_COLOR and CI are unset or empty, and TERM is not `dumb`.
 */
export function shouldUseColor(stream: OutputStream, env: Readonly<Record<string, string | undefined>>): boolean {
  if (stream.isTTY !== true) {
    return false;
  }
  return !env.NO_COLOR && !env.CI && env.TERM !== 'dumb';
}

export function createPalette(enabled: boolean): Palette {
  const style = (open: number, close: number) => (text: string) =>
    enabled ? `\u001B[${open}m${text}\u001B[${close}m` : text;
  return { bold: style(1, 22), dim: style(2, 22), red: style(31, 39) };
}

/**
 * Formats a summary as a two-column table: names left-aligned, values right-aligned.
 * Values are printed as JavaScript prints them, unrounded, because the worker computes them exactly.
 */
export function formatSummaryTable(summary: Summary, palette: Palette): string {
  const values = SUMMARY_ROWS.map((name) => String(summary[name]));
  const nameWidth = Math.max(...SUMMARY_ROWS.map((name) => name.length));
  const valueWidth = Math.max(...values.map((value) => value.length));

  const lines = SUMMARY_ROWS.map((name, row) => {
    const value = values[row] as string;
    return `${palette.bold(name.padEnd(nameWidth))}  ${value.padStart(valueWidth)}`;
  });
  return `${lines.join('\n')}\n`;
}
