export { runCli } from './run-cli.js';
export type { CliIo } from './run-cli.js';
export { DEFAULT_TIMEOUT_MS, postStats, resolveStatsEndpoint, StatsClient } from './stats-client.js';
export type { StatsClientOptions, StatsResult } from './stats-client.js';
export { CliError, EXIT_CANCELLED, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli-error.js';
export type { CliErrorCode } from './cli-error.js';
export { WorkerRequestError } from './worker-request-error.js';
export type { WorkerRequestErrorCode, WorkerRequestErrorContext } from './worker-request-error.js';
