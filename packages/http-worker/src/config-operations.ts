import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Settings for running the worker in production: spool, S3 timeouts and request security. */
export interface OperationsConfig {
  /** Folder of the transaction log spool; unset keeps records in memory only. */
  spoolDir?: string;
  /** Idle time after which an S3 request is abandoned and retried, in milliseconds. */
  s3RequestTimeoutMs?: number;
  /** Attempts per S3 request, including the first, with the SDK's standard retry mode. */
  s3MaxAttempts?: number;
  /** Origins allowed to call the API from a browser; empty sends no CORS headers. */
  corsOrigins?: string[];
  /** Upload and label requests per client per minute, each; 0 turns the limit off. */
  rateLimitPerMinute?: number;
  /** Bearer token required for uploads and the label file download; unset requires none. */
  apiToken?: string;
  /** Take the client address from X-Forwarded-For, as set by a load balancer in front. */
  trustProxy?: boolean;
}

export const DEFAULT_S3_REQUEST_TIMEOUT_S = 10;
export const DEFAULT_S3_MAX_ATTEMPTS = 4;
/** A person labels or uploads far less than twice a second; scripts that need more can ask for it. */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 120;
/** Shortest accepted API token: 16 characters of a random token are about 96 bits or more. */
export const MIN_API_TOKEN_LENGTH = 16;

export const OPERATIONS_HELP = `  --spool-dir DIR        Folder where each transaction log waits on disk until it is in the
                         store, so a crash loses none. "none" keeps them in memory only.
                         Default: <dir>/spool~ for fs:<dir>; for s3:// $STATE_DIRECTORY/spool
                         (systemd), else $XDG_STATE_HOME or ~/.local/state, under
                         hotdog-worker/spool; none for memory:. Env: HOTDOG_SPOOL_DIR.
  --s3-request-timeout S Seconds an S3 request may stay idle before it is retried. Default ${DEFAULT_S3_REQUEST_TIMEOUT_S}.
                         Env: HOTDOG_S3_REQUEST_TIMEOUT.
  --s3-max-attempts N    Attempts per S3 request, 1 to 10, with the SDK's standard retry
                         mode. Default ${DEFAULT_S3_MAX_ATTEMPTS}. Env: HOTDOG_S3_MAX_ATTEMPTS.
  --cors-origin URL      Allow browser pages on this origin (such as https://labels.example.com)
                         to call the API. Repeat or separate with commas. Default: none.
                         Env: HOTDOG_CORS_ORIGIN.
  --rate-limit-per-minute N
                         Image uploads and label posts each allowed per client address per
                         minute; 0 turns the limit off. Default ${DEFAULT_RATE_LIMIT_PER_MINUTE}.
                         Env: HOTDOG_RATE_LIMIT_PER_MINUTE.
  --api-token TOKEN      Require "Authorization: Bearer TOKEN" for uploads, GET
                         /v1/labels.csv and GET /v1/export/labels.csv; at least
                         ${MIN_API_TOKEN_LENGTH} characters. Prefer the
                         environment variable, which other users cannot see. Env: HOTDOG_API_TOKEN.
  --trust-proxy          Take the client address from X-Forwarded-For (the last address,
                         which a load balancer such as an AWS ALB appends). Only behind one.
                         Env: HOTDOG_TRUST_PROXY=1.
`;

/** The parseArgs entries of the options above. */
export const OPERATIONS_OPTIONS = {
  'spool-dir': { type: 'string' },
  's3-request-timeout': { type: 'string' },
  's3-max-attempts': { type: 'string' },
  'cors-origin': { type: 'string', multiple: true },
  'rate-limit-per-minute': { type: 'string' },
  'api-token': { type: 'string' },
  'trust-proxy': { type: 'boolean' },
} as const;

type Pick = (option: string, envName: string) => string | undefined;
type ParseInteger = (option: string, text: string | undefined, fallback: number, min: number, max: number) => number;

/**
 * Reads the operations settings from parsed arguments (`values`) and the environment.
 *
 * @throws Error with a message naming the option, the value and the accepted form.
 */
export function parseOperationsOptions(
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  storage: string,
  pick: Pick,
  parseInteger: ParseInteger,
): OperationsConfig {
  const config: OperationsConfig = {
    s3RequestTimeoutMs: 1000 * parseInteger('--s3-request-timeout', pick('s3-request-timeout', 'HOTDOG_S3_REQUEST_TIMEOUT'), DEFAULT_S3_REQUEST_TIMEOUT_S, 1, 600),
    s3MaxAttempts: parseInteger('--s3-max-attempts', pick('s3-max-attempts', 'HOTDOG_S3_MAX_ATTEMPTS'), DEFAULT_S3_MAX_ATTEMPTS, 1, 10),
    corsOrigins: parseCorsOrigins(values['cors-origin'], env.HOTDOG_CORS_ORIGIN),
    rateLimitPerMinute: parseInteger('--rate-limit-per-minute', pick('rate-limit-per-minute', 'HOTDOG_RATE_LIMIT_PER_MINUTE'), DEFAULT_RATE_LIMIT_PER_MINUTE, 0, 1_000_000),
    trustProxy: values['trust-proxy'] === true || env.HOTDOG_TRUST_PROXY === '1' || env.HOTDOG_TRUST_PROXY === 'true',
  };

  const spoolDir = defaultSpoolDir(pick('spool-dir', 'HOTDOG_SPOOL_DIR'), storage, env);
  if (spoolDir !== undefined) config.spoolDir = spoolDir;

  const apiToken = pick('api-token', 'HOTDOG_API_TOKEN');
  if (apiToken !== undefined) {
    if (apiToken.length < MIN_API_TOKEN_LENGTH || /\s/.test(apiToken)) {
      // The value itself is a secret, so the message names only its length.
      throw new Error(`invalid --api-token: expected at least ${MIN_API_TOKEN_LENGTH} characters without spaces, got ${apiToken.length} characters; generate one with: openssl rand -hex 32`);
    }
    config.apiToken = apiToken;
  }
  return config;
}

/**
 * Returns the spool folder: the given one, none for `none` or `memory:` storage, `<dir>/spool~`
 * for `fs:<dir>` (the fs store never lists names ending in `~`), else a per-user state folder.
 */
export function defaultSpoolDir(requested: string | undefined, storage: string, env: NodeJS.ProcessEnv): string | undefined {
  if (requested === 'none') return undefined;
  if (requested !== undefined) return resolve(requested);
  if (storage === 'memory:') return undefined;
  if (storage.startsWith('fs:')) return resolve(storage.slice('fs:'.length), 'spool~');
  if (env.STATE_DIRECTORY) return join(env.STATE_DIRECTORY.split(':')[0]!, 'spool');
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'hotdog-worker', 'spool');
}

function parseCorsOrigins(fromArgs: unknown, fromEnv: string | undefined): string[] {
  let texts: string[] = [];
  if (Array.isArray(fromArgs) && fromArgs.length > 0) {
    texts = fromArgs as string[];
  } else if (fromEnv) {
    texts = [fromEnv];
  }
  const origins = texts.flatMap((text) => text.split(',')).map((text) => text.trim()).filter((text) => text !== '');
  for (const origin of origins) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== origin) {
      throw new Error(`invalid --cors-origin ${JSON.stringify(origin)}: expected an origin such as https://labels.example.com (scheme, host and optional port, no path or trailing slash)`);
    }
  }
  return origins;
}
