/** Exit codes of the `hotdog` binary. */
export const EXIT_OK = 0;
/** The worker returned an error or could not be reached, or an unexpected error occurred. */
export const EXIT_FAILURE = 1;
/** Invalid command line, invalid numbers, or no terminal for an interactive command: nothing was sent. */
export const EXIT_USAGE = 2;
/** The user pressed Ctrl-C at a prompt (128 + SIGINT, as shells report it). */
export const EXIT_CANCELLED = 130;

export type CliErrorCode =
  | 'MISSING_COMMAND'
  | 'UNKNOWN_COMMAND'
  | 'UNKNOWN_OPTION'
  | 'MISSING_OPTION_VALUE'
  | 'UNEXPECTED_OPTION_VALUE'
  | 'INVALID_OPTION_VALUE'
  | 'INVALID_NUMBERS'
  | 'MISSING_ANNOTATOR'
  | 'MISSING_FILES'
  | 'UNEXPECTED_ARGUMENT'
  | 'NOT_A_TERMINAL'
  /** An export could not write its output file or folder. */
  | 'OUTPUT_FAILED'
  | 'CANCELLED';

/**
 * Error for a problem the user can fix (a usage error) or chose (a cancel).
 * `runCli` prints `message` without a stack trace and exits with `exitCode`.
 */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    readonly code: CliErrorCode,
    message: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
  }
}
