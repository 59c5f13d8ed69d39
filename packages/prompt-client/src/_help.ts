import type { OptionSpec } from './_args.js';
import type { CommandDefinition } from './_command.js';

export function formatMainHelp(
  version: string,
  commands: readonly CommandDefinition[],
  globalOptions: readonly OptionSpec[],
): string {
  const commandWidth = Math.max(...commands.map((command) => command.name.length));
  const commandLines = commands.map((command) => `  ${command.name.padEnd(commandWidth)}  ${command.summary}`);

  return [
    `hotdog ${version}: terminal client for the hotdog-lab worker`,
    '',
    'Usage: hotdog <command> [options]',
    '',
    'Commands:',
    ...commandLines,
    '',
    'Options:',
    ...formatOptionLines(globalOptions),
    '',
    'Run "hotdog <command> --help" for the options of a command.',
    '',
  ].join('\n');
}

export function formatCommandHelp(command: CommandDefinition, options: readonly OptionSpec[]): string {
  return [command.usage, '', 'Options:', ...formatOptionLines(options), '', EXIT_CODES_HELP, ''].join('\n');
}

const EXIT_CODES_HELP = [
  'Exit codes:',
  '  0    success',
  '  1    the worker returned an error or could not be reached, or a file failed to upload',
  '  2    invalid command line, invalid numbers, or no terminal for an interactive command; nothing was sent',
  '  130  cancelled with Ctrl-C at a prompt',
].join('\n');

function formatOptionLines(options: readonly OptionSpec[]): string[] {
  const labels = options.map((option) => {
    const short = option.short === undefined ? '    ' : `-${option.short}, `;
    const value = option.valueName === undefined ? '' : ` ${option.valueName}`;
    return `${short}--${option.name}${value}`;
  });
  const width = Math.max(...labels.map((label) => label.length));
  return options.map((option, index) => `  ${(labels[index] as string).padEnd(width)}  ${option.description}`);
}
