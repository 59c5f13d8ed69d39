import type { OptionSpec, ParsedArguments } from './_args.js';
import { DEFAULT_TIMEOUT_MS, resolveWorkerUrl } from './_worker-http.js';
import { CliError } from './cli-error.js';

export const DEFAULT_WORKER_URL = 'http://127.0.0.1:3000';
export const WORKER_URL_ENV = 'HOTDOG_WORKER_URL';
export const ANNOTATOR_ENV = 'HOTDOG_ANNOTATOR';
export const API_TOKEN_ENV = 'HOTDOG_API_TOKEN';

/** Largest --timeout, because Node's timers overflow above 2^31 - 1 milliseconds (about 24.8 days). */
const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

type Environment = Readonly<Record<string, string | undefined>>;

export const WORKER_OPTION: OptionSpec = {
  name: 'worker',
  valueName: 'URL',
  description: `Worker base URL (default: $${WORKER_URL_ENV}, else ${DEFAULT_WORKER_URL})`,
};

export const TIMEOUT_OPTION: OptionSpec = {
  name: 'timeout',
  valueName: 'SECONDS',
  description: `Time allowed for each request, in seconds (default: ${DEFAULT_TIMEOUT_MS / 1000})`,
};

export const ANNOTATOR_OPTION: OptionSpec = {
  name: 'annotator',
  valueName: 'NAME',
  description: `Name recorded with your labels and uploads (default: $${ANNOTATOR_ENV}; required)`,
};

export const API_TOKEN_OPTION: OptionSpec = {
  name: 'api-token',
  valueName: 'TOKEN',
  description: `Bearer token for a worker started with --api-token (default: $${API_TOKEN_ENV}); the variable keeps it out of the process list`,
};

/** Returns the API token from --api-token, else from HOTDOG_API_TOKEN, or undefined when neither is set. */
export function readApiToken(args: ParsedArguments, env: Environment): string | undefined {
  const fromOption = args.options.get('api-token');
  if (fromOption === true || fromOption === '') {
    throw new CliError('INVALID_OPTION_VALUE', '--api-token needs a value; pass the token the worker was started with');
  }
  const fromEnv = env[API_TOKEN_ENV];
  return fromOption ?? (fromEnv === undefined || fromEnv === '' ? undefined : fromEnv);
}

export function readWorkerUrl(args: ParsedArguments, env: Environment): string {
  const fromOption = args.options.get('worker');
  const fromEnv = env[WORKER_URL_ENV];

  let value = DEFAULT_WORKER_URL;
  let source = 'the default';
  if (typeof fromOption === 'string') {
    value = fromOption;
    source = '--worker';
  } else if (fromEnv !== undefined && fromEnv !== '') {
    value = fromEnv;
    source = WORKER_URL_ENV;
  }

  try {
    resolveWorkerUrl(value, '');
  } catch {
    throw new CliError(
      'INVALID_OPTION_VALUE',
      `invalid worker URL "${value}" from ${source}; expected an http:// or https:// URL such as ${DEFAULT_WORKER_URL}`,
    );
  }
  return value;
}

export function readTimeoutMs(value: string | true | undefined): number {
  if (value === undefined) {
    return DEFAULT_TIMEOUT_MS;
  }
  const seconds = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  const milliseconds = Math.round(seconds * 1000);
  if (!(milliseconds >= 1 && seconds <= MAX_TIMEOUT_SECONDS)) {
    throw new CliError(
      'INVALID_OPTION_VALUE',
      `invalid --timeout "${String(value)}"; expected seconds from 0.001 to ${MAX_TIMEOUT_SECONDS}`,
    );
  }
  return milliseconds;
}

/**
 * Returns the annotator name from --annotator, else from HOTDOG_ANNOTATOR, without surrounding spaces.
 * The worker owns the naming rule and rejects an invalid name with INVALID_ANNOTATOR,
 * so this only rejects a missing or blank name.
 */
export function readAnnotator(args: ParsedArguments, env: Environment, commandName: string): string {
  const fromOption = args.options.get('annotator');
  if (typeof fromOption === 'string') {
    const name = fromOption.trim();
    if (name === '') {
      throw new CliError('INVALID_OPTION_VALUE', `invalid --annotator "${fromOption}"; expected a non-blank name`);
    }
    return name;
  }

  const name = (env[ANNOTATOR_ENV] ?? '').trim();
  if (name === '') {
    throw new CliError(
      'MISSING_ANNOTATOR',
      `missing annotator; pass --annotator NAME or set ${ANNOTATOR_ENV} (hotdog ${commandName} --annotator alice)`,
    );
  }
  return name;
}

/** Reads an option that takes an integer from 1 to `max`, or returns `fallback` when the option is absent. */
export function readPositiveInteger(
  value: string | true | undefined,
  optionName: string,
  fallback: number,
  max: number,
): number {
  if (value === undefined) {
    return fallback;
  }
  const count = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(count) || count < 1 || count > max) {
    throw new CliError(
      'INVALID_OPTION_VALUE',
      `invalid --${optionName} "${String(value)}"; expected an integer from 1 to ${max}`,
    );
  }
  return count;
}

/** Throws CliError UNEXPECTED_ARGUMENT for a command that takes no positional arguments. */
export function rejectPositionals(args: ParsedArguments, commandName: string): void {
  const first = args.positionals[0];
  if (first !== undefined) {
    throw new CliError(
      'UNEXPECTED_ARGUMENT',
      `unexpected argument "${first}" for hotdog ${commandName}; it takes options only. Run "hotdog ${commandName} --help" for usage`,
    );
  }
}
