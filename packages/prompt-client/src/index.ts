export { runCli } from './run-cli.js';
export type { CliIo } from './run-cli.js';
export { DEFAULT_TIMEOUT_MS, postStats, resolveStatsEndpoint, StatsClient } from './stats-client.js';
export type { StatsClientOptions, StatsResult } from './stats-client.js';
export { CliError, EXIT_CANCELLED, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli-error.js';
export type { CliErrorCode } from './cli-error.js';
export { WorkerRequestError } from './worker-request-error.js';
export type { WorkerRequestErrorCode, WorkerRequestErrorContext } from './worker-request-error.js';
export { HOT_DOG, LabelClient, MAX_PREVIEW_BYTES, NOT_HOT_DOG } from './label-client.js';
export type {
  ConsensusAnnotator,
  ConsensusImage,
  ConsensusReport,
  ConsensusResult,
  FetchedImage,
  ImageLabelSummary,
  ImageSample,
  LabelAnswer,
  LabelClientOptions,
  LabelReceipt,
  LabelSummary,
  LabelSummaryResult,
  SampleImage,
  UploadedImage,
  UploadProgress,
} from './label-client.js';
export { LocalFileError } from './local-file-error.js';
export type { LocalFileErrorCode } from './local-file-error.js';
