import { CliError } from './cli-error.js';

/** Command-line option accepted by a command. */
export interface OptionSpec {
  /** Long name without the leading dashes, e.g. `worker` for `--worker`. */
  name: string;
  /** One-letter alias without the dash, e.g. `h` for `-h`. */
  short?: string;
  /** Placeholder shown in help for an option that takes a value; flags have none. */
  valueName?: string;
  /** One-line help text: what the option sets, its unit and default. */
  description: string;
}

/** Options and positional arguments of one command line. */
export interface ParsedArguments {
  /** Option values by long name: the string value, or `true` for a flag. A repeated option keeps its last value. */
  options: Map<string, string | true>;
  positionals: string[];
}

/**
 * Parses `argv` against the allowed options of one command.
 * Accepts `--name value`, `--name=value`, `-x value` and `--` to end options.
 * A dash followed by a digit or a dot (`-5`, `-.5`) is a positional argument,
 * so negative numbers reach number validation instead of failing as unknown options.
 * Throws CliError for an unknown option, a missing value or a value given to a flag.
 */
export function parseArguments(
  argv: readonly string[],
  specs: readonly OptionSpec[],
  commandName: string,
): ParsedArguments {
  const options = new Map<string, string | true>();
  const positionals: string[] = [];

  for (let index = 0; index < argv.length; index += 1) {
    const token = argv[index] as string;

    if (token === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (!looksLikeOption(token)) {
      positionals.push(token);
      continue;
    }

    const { spelled, inlineValue } = splitInlineValue(token);
    const spec = findSpec(specs, spelled);
    if (spec === undefined) {
      throw new CliError(
        'UNKNOWN_OPTION',
        `unknown option "${spelled}" for ${commandName}; allowed options: ${listOptions(specs)}`,
      );
    }

    if (spec.valueName === undefined) {
      if (inlineValue !== undefined) {
        throw new CliError(
          'UNEXPECTED_OPTION_VALUE',
          `option --${spec.name} is a flag and takes no value, but got "${inlineValue}"`,
        );
      }
      options.set(spec.name, true);
      continue;
    }

    if (inlineValue !== undefined) {
      options.set(spec.name, inlineValue);
      continue;
    }
    const next = argv[index + 1];
    if (next === undefined || looksLikeOption(next)) {
      throw new CliError(
        'MISSING_OPTION_VALUE',
        `option --${spec.name} requires a value (${spec.valueName})`,
      );
    }
    options.set(spec.name, next);
    index += 1;
  }

  return { options, positionals };
}

/** Formats the allowed set for error messages, e.g. `--json, --worker, --help`. */
export function listOptions(specs: readonly OptionSpec[]): string {
  return specs.map((spec) => `--${spec.name}`).join(', ');
}

function looksLikeOption(token: string): boolean {
  return token.startsWith('-') && token !== '-' && !/^-[\d.]/.test(token);
}

function splitInlineValue(token: string): { spelled: string; inlineValue: string | undefined } {
  const equals = token.indexOf('=');
  if (!token.startsWith('--') || equals === -1) {
    return { spelled: token, inlineValue: undefined };
  }
  return { spelled: token.slice(0, equals), inlineValue: token.slice(equals + 1) };
}

function findSpec(specs: readonly OptionSpec[], spelled: string): OptionSpec | undefined {
  if (spelled.startsWith('--')) {
    const name = spelled.slice(2);
    return specs.find((spec) => spec.name === name);
  }
  const short = spelled.slice(1);
  return specs.find((spec) => spec.short !== undefined && spec.short === short);
}
