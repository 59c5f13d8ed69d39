import type { OptionSpec, ParsedArguments } from './_args.js';
import type { CliIo } from './_io.js';

/** Subcommand of `hotdog`: its help, the options it accepts and its handler. */
export interface CommandDefinition {
  name: string;
  /** One line for the command list in `hotdog --help`. */
  summary: string;
  /** Full help for `hotdog NAME --help`, without the options table. */
  usage: string;
  /** Accepted options; `--help` is added by runCli. */
  options: readonly OptionSpec[];
  /** Runs the command and returns the exit code; throws CliError or WorkerRequestError for expected failures. */
  run(args: ParsedArguments, io: CliIo): Promise<number>;
}

export const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', description: 'Show this help' };
