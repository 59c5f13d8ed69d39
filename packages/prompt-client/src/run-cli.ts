import { version } from '../package.json';
import { parseArguments } from './_args.js';
import type { OptionSpec } from './_args.js';
import { HELP_OPTION } from './_command.js';
import type { CommandDefinition } from './_command.js';
import { formatCommandHelp, formatMainHelp } from './_help.js';
import { resolveIo } from './_io.js';
import type { CliIo } from './_io.js';
import { exportCommand } from './_export-command.js';
import { labelCommand } from './_label-command.js';
import { reportCommand } from './_report-command.js';
import { statsCommand } from './_stats-command.js';
import { uploadCommand } from './_upload-command.js';
import { createPalette, shouldUseColor } from './_output.js';
import { CliError, EXIT_FAILURE, EXIT_OK } from './cli-error.js';
import { WorkerRequestError } from './worker-request-error.js';

export type { CliIo } from './_io.js';

/** Subcommands in the order `hotdog --help` lists them. */
const COMMANDS: readonly CommandDefinition[] = [statsCommand, labelCommand, uploadCommand, reportCommand, exportCommand];

const VERSION_OPTION: OptionSpec = { name: 'version', description: 'Print the version' };
const GLOBAL_OPTIONS: readonly OptionSpec[] = [HELP_OPTION, VERSION_OPTION];

/**
 * Runs the `hotdog` command line and returns the exit code instead of exiting.
 * `argv` excludes the node binary and script path (`process.argv.slice(2)`).
 * Missing `io` members default to the process streams and `process.env`.
 * Expected failures are printed to stderr as one line without a stack trace.
 * The returned code is 0 on success, 1 for worker, network and unexpected errors and for an
 * upload with a failed file, 2 for usage errors, invalid numbers and a missing terminal,
 * and 130 when the user cancels a prompt.
 */
export async function runCli(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const resolved = resolveIo(io);
  try {
    return await dispatch(argv, resolved);
  } catch (error) {
    return reportError(error, resolved);
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const commandIndex = argv.findIndex((token) => !token.startsWith('-'));
  const globalArgv = commandIndex === -1 ? argv : argv.slice(0, commandIndex);
  const global = parseArguments(globalArgv, GLOBAL_OPTIONS, 'hotdog');

  if (global.options.has('help')) {
    io.stdout.write(formatMainHelp(version, COMMANDS, GLOBAL_OPTIONS));
    return EXIT_OK;
  }
  if (global.options.has('version')) {
    io.stdout.write(`${version}\n`);
    return EXIT_OK;
  }
  if (commandIndex === -1) {
    throw new CliError(
      'MISSING_COMMAND',
      `missing command; expected one of: ${listCommands()}. Run "hotdog --help" for usage`,
    );
  }

  const name = argv[commandIndex] as string;
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    throw new CliError('UNKNOWN_COMMAND', `unknown command "${name}"; expected one of: ${listCommands()}`);
  }

  const options = [...command.options, HELP_OPTION];
  const args = parseArguments(argv.slice(commandIndex + 1), options, `hotdog ${command.name}`);
  if (args.options.has('help')) {
    io.stdout.write(formatCommandHelp(command, options));
    return EXIT_OK;
  }
  return command.run(args, io);
}

function reportError(error: unknown, io: CliIo): number {
  const palette = createPalette(shouldUseColor(io.stderr, io.env));
  const print = (message: string) => io.stderr.write(`${palette.red(`hotdog: ${message}`)}\n`);

  if (error instanceof CliError) {
    print(error.message);
    return error.exitCode;
  }
  if (error instanceof WorkerRequestError) {
    const requestId = error.requestId === undefined ? '' : ` (request id ${error.requestId})`;
    print(`${error.message}${requestId}`);
    return EXIT_FAILURE;
  }

  const message = error instanceof Error ? error.message : String(error);
  print(`unexpected error: ${message}`);
  return EXIT_FAILURE;
}

function listCommands(): string {
  return COMMANDS.map((command) => command.name).join(', ');
}
