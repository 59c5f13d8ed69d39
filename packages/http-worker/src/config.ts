import { parseArgs } from 'node:util';
import { DEFAULT_MAX_NUMBERS } from '@hotdog-lab/stats-core';
import type { LevelWithSilent } from 'pino';
import { OPERATIONS_HELP, OPERATIONS_OPTIONS, parseOperationsOptions, type OperationsConfig } from './config-operations.js';
import { LOG_LEVELS } from './logger.js';

/** Settings of one worker process. */
export interface WorkerConfig extends OperationsConfig {
  host: string;
  port: number;
  /** Storage URL: `fs:<dir>`, `s3://<bucket>[/<prefix>]` or `memory:`. */
  storage: string;
  /** Endpoint of an S3-compatible server (MinIO, SeaweedFS); unset for AWS S3. */
  s3Endpoint?: string;
  maxNumbers: number;
  /** Time allowed on SIGTERM or SIGINT for in-flight requests and pending log writes. */
  shutdownTimeoutMs: number;
  logLevel: LevelWithSilent;
  /** Store the 24 demo images at start when they are missing. */
  seedDemo: boolean;
  /** Treat the demo images as gold: their manifest labels are known truth for the consensus. */
  goldDemo: boolean;
  /** Largest accepted image upload per file, in bytes. */
  maxUploadBytes: number;
  /** How often the image catalog re-lists the store, to see uploads made through other workers. */
  catalogRefreshMs: number;
}

export const DEFAULT_CONFIG: WorkerConfig = {
  host: '127.0.0.1',
  port: 3000,
  storage: 'fs:./data',
  maxNumbers: DEFAULT_MAX_NUMBERS,
  shutdownTimeoutMs: 10_000,
  logLevel: 'info',
  seedDemo: false,
  goldDemo: false,
  maxUploadBytes: 10 * 1024 * 1024,
  catalogRefreshMs: 30_000,
};

/** Largest `--max-upload-mib`: every file of a request is held in memory until all are checked. */
export const MAX_UPLOAD_MIB = 100;

/** Largest `--max-numbers`: the 16 KiB body limit holds about 900 numbers of 16 digits. */
export const MAX_MAX_NUMBERS = 900;

/** The outcome of reading the command line: a config to run, or text to print and an exit code. */
export type ParsedCommandLine =
  | { kind: 'run'; config: WorkerConfig }
  | { kind: 'exit'; code: number; output: string; toStderr: boolean };

export const HELP_TEXT = `Usage: hotdog-worker [options]

Runs the hotdog-lab HTTP worker: POST /v1/stats returns min, max, mean and median,
and every transaction is written as a text file under logs/stats/ in the storage.

Options:
  --host HOST            Address to listen on. Default 127.0.0.1 (this machine only);
                         use 0.0.0.0 to accept connections from other hosts.
                         Env: HOTDOG_HOST.
  --port PORT            TCP port, 0 to 65535 (0 picks a free port). Default 3000.
                         Env: HOTDOG_PORT.
  --storage URL          Where logs and labels are stored. Default fs:./data.
                           fs:<dir>                 a local folder
                           s3://<bucket>[/<prefix>] an S3 bucket; credentials come from the
                                                    standard AWS chain (environment, shared
                                                    profile, EC2 instance role)
                           memory:                  in memory, lost on exit (for tests)
                         Env: HOTDOG_STORAGE.
  --s3-endpoint URL      Endpoint of an S3-compatible server such as MinIO or SeaweedFS;
                         turns on path-style addressing. Default: AWS S3.
                         Env: S3_ENDPOINT.
  --max-numbers N        Most numbers in one stats request, 1 to ${MAX_MAX_NUMBERS}. Default ${DEFAULT_MAX_NUMBERS}.
                         Env: HOTDOG_MAX_NUMBERS.
  --seed-demo            Store the 24 demo images (12 hot dogs) at start when they are
                         missing. Env: HOTDOG_SEED_DEMO=1.
  --gold-demo            Treat the demo images as gold: their true labels from the demo
                         manifest fix their consensus and measure each annotator's accuracy.
                         More gold labels can be uploaded as labels/gold.csv (image,label).
                         Env: HOTDOG_GOLD_DEMO=1.
  --max-upload-mib N     Largest image upload per file, in MiB, 1 to ${MAX_UPLOAD_MIB}. Default 10.
                         Env: HOTDOG_MAX_UPLOAD_MIB.
  --catalog-refresh S    Seconds between re-listings of images/ in the store, so uploads
                         through other workers appear. Default 30. Env: HOTDOG_CATALOG_REFRESH.
  --shutdown-timeout S   Seconds allowed on SIGTERM or SIGINT to finish requests and
                         pending log writes. Default 10. Env: HOTDOG_SHUTDOWN_TIMEOUT.
${OPERATIONS_HELP}  --log-level LEVEL      One of ${LOG_LEVELS.join(', ')}. Default info.
                         Env: HOTDOG_LOG_LEVEL.
  -h, --help             Show this help and exit.
  -v, --version          Show the version and exit.

Command-line options override environment variables.
`;

/** Reads the worker settings from the command line, then the environment, then the defaults. */
export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv, version: string): ParsedCommandLine {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        storage: { type: 'string' },
        's3-endpoint': { type: 'string' },
        'max-numbers': { type: 'string' },
        'shutdown-timeout': { type: 'string' },
        'log-level': { type: 'string' },
        'seed-demo': { type: 'boolean' },
        'gold-demo': { type: 'boolean' },
        'max-upload-mib': { type: 'string' },
        'catalog-refresh': { type: 'string' },
        ...OPERATIONS_OPTIONS,
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    }));
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }

  if (values.help) {
    return { kind: 'exit', code: 0, output: HELP_TEXT, toStderr: false };
  }
  if (values.version) {
    return { kind: 'exit', code: 0, output: `${version}\n`, toStderr: false };
  }

  const pick = (option: string, envName: string): string | undefined => {
    const fromArgs = values[option];
    return typeof fromArgs === 'string' ? fromArgs : env[envName] || undefined;
  };

  try {
    const config: WorkerConfig = {
      host: pick('host', 'HOTDOG_HOST') ?? DEFAULT_CONFIG.host,
      port: parseInteger('--port', pick('port', 'HOTDOG_PORT'), DEFAULT_CONFIG.port, 0, 65_535),
      storage: pick('storage', 'HOTDOG_STORAGE') ?? DEFAULT_CONFIG.storage,
      maxNumbers: parseInteger('--max-numbers', pick('max-numbers', 'HOTDOG_MAX_NUMBERS'), DEFAULT_CONFIG.maxNumbers, 1, MAX_MAX_NUMBERS),
      shutdownTimeoutMs:
        1000 * parseInteger('--shutdown-timeout', pick('shutdown-timeout', 'HOTDOG_SHUTDOWN_TIMEOUT'), DEFAULT_CONFIG.shutdownTimeoutMs / 1000, 0, 3600),
      logLevel: parseLogLevel(pick('log-level', 'HOTDOG_LOG_LEVEL')),
      seedDemo: values['seed-demo'] === true || env.HOTDOG_SEED_DEMO === '1' || env.HOTDOG_SEED_DEMO === 'true',
      goldDemo: values['gold-demo'] === true || env.HOTDOG_GOLD_DEMO === '1' || env.HOTDOG_GOLD_DEMO === 'true',
      maxUploadBytes:
        1024 * 1024 * parseInteger('--max-upload-mib', pick('max-upload-mib', 'HOTDOG_MAX_UPLOAD_MIB'), DEFAULT_CONFIG.maxUploadBytes / (1024 * 1024), 1, MAX_UPLOAD_MIB),
      catalogRefreshMs:
        1000 * parseInteger('--catalog-refresh', pick('catalog-refresh', 'HOTDOG_CATALOG_REFRESH'), DEFAULT_CONFIG.catalogRefreshMs / 1000, 1, 86_400),
    };
    const s3Endpoint = pick('s3-endpoint', 'S3_ENDPOINT');
    if (s3Endpoint !== undefined) {
      config.s3Endpoint = parseEndpoint(s3Endpoint);
    }
    Object.assign(config, parseOperationsOptions(values, env, config.storage, pick, parseInteger));
    return { kind: 'run', config };
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
}

function usageError(message: string): ParsedCommandLine {
  return { kind: 'exit', code: 2, output: `hotdog-worker: ${message}\nRun hotdog-worker --help for the options.\n`, toStderr: true };
}

function parseInteger(option: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) {
    return fallback;
  }

  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`invalid ${option} ${JSON.stringify(text)}: expected a whole number from ${min} to ${max}`);
  }
  return value;
}

function parseLogLevel(text: string | undefined): LevelWithSilent {
  if (text === undefined) {
    return DEFAULT_CONFIG.logLevel;
  }
  if (!(LOG_LEVELS as readonly string[]).includes(text)) {
    throw new Error(`invalid --log-level ${JSON.stringify(text)}: expected one of ${LOG_LEVELS.join(', ')}`);
  }
  return text as LevelWithSilent;
}

function parseEndpoint(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`invalid --s3-endpoint ${JSON.stringify(text)}: expected a URL such as http://127.0.0.1:8333`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`invalid --s3-endpoint ${JSON.stringify(text)}: the scheme must be http or https`);
  }
  return text;
}
