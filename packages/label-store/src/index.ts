export type {
  ListOptions,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  PutResult,
  StoredObject,
  StoredObjectStream,
} from './object-store.js';

export { InvalidArgumentError } from './errors/invalid-argument-error.js';
export { InvalidKeyError } from './errors/invalid-key-error.js';
export { InvalidStorageUrlError, STORAGE_URL_FORMS } from './errors/invalid-storage-url-error.js';
export { PreconditionFailedError, type PutPrecondition } from './errors/precondition-failed-error.js';
export { StorageError, type StorageOperation } from './errors/storage-error.js';

export { FsStore } from './fs-store.js';
export { LockTimeoutError, LOCK_TIMEOUT_MS, STALE_LOCK_MS } from './fs-lock.js';
export { MemoryStore } from './memory-store.js';
export { S3Store, type S3StoreOptions } from './s3-store.js';
export { createS3Client, CONNECTION_TIMEOUT_MS, MAX_SOCKETS, type S3ClientOptions } from './s3-client.js';
export { openStore, type OpenStoreOptions } from './open-store.js';
export { MAX_KEY_BYTES } from './object-key.js';
export { MAX_PAGE_SIZE } from './list-options.js';

export {
  ACCEPTED_IMAGE_FORMATS,
  IMAGE_TYPES,
  imageTypeForExtension,
  type ImageContentType,
  type ImageExtension,
  type ImageType,
} from './images/image-type.js';
export { IMAGE_KEY_PREFIX, imageKey, isImageId, parseImageKey } from './images/image-key.js';
export { SNIFF_BYTES, sniffImageType } from './images/sniff.js';
export { MAX_JPEG_SEGMENTS, readImageDimensions, type ImageDimensions } from './images/dimensions.js';
export { MAX_FILE_NAME_BYTES, sanitizeFileName } from './images/sanitize-file-name.js';
export {
  decodeImageMetadata,
  encodeImageMetadata,
  MAX_UPLOADER_BYTES,
  ORIGINAL_NAME_METADATA,
  UPLOADER_METADATA,
  type ImageUploadMetadata,
} from './images/image-metadata.js';
export { IMAGE_UPLOAD_ERROR_STATUS, ImageUploadError, type ImageUploadErrorCode } from './images/image-upload-error.js';
export { MAX_IMAGE_PIXELS, MAX_UPLOAD_BYTES, storeImage, type StoredImage, type StoreImageOptions } from './images/store-image.js';
export {
  DEFAULT_REFRESH_INTERVAL_MS,
  ImageCatalog,
  MAX_REFRESH_INTERVAL_MS,
  type CatalogImage,
  type CatalogLogger,
  type ImageCatalogOptions,
} from './images/catalog.js';
export { DEFAULT_SAMPLE_COUNT, MAX_SAMPLE_COUNT, sampleImages, type ImageSample, type SampleImagesInput } from './images/sample.js';
export { SampleIndex, type SampleIndexInput, type SampleRequest } from './images/sample-index.js';
export { DemoImagesError, type DemoImagesErrorCode } from './images/demo-images-error.js';
export {
  DEMO_UPLOADER,
  demoImagesDir,
  parseDemoManifest,
  readDemoManifest,
  seedDemoImages,
  type DemoImage,
  type SeededDemoImage,
  type SeedDemoImagesResult,
} from './images/demo-images.js';

export { validateAnnotator, MAX_ANNOTATOR_CODE_POINTS, FORMULA_START_CHARACTERS } from './labels/annotator.js';
export { validateAnswers, DEFAULT_MAX_ANSWERS, type NewAnswer, type ValidateAnswersOptions } from './labels/answers.js';
export { isUuid } from './labels/label-ids.js';
export {
  formatCsvRow,
  parseCsv,
  neutralizeCell,
  restoreCell,
  CSV_LINE_END,
  NEUTRALIZED_FIRST_CHARACTERS,
  type CsvRecord,
  type ParseCsvOptions,
} from './labels/csv.js';
export { CsvParseError } from './labels/csv-parse-error.js';
export {
  formatLabelRow,
  parseLabelRows,
  LABEL_CSV_COLUMNS,
  LABEL_CSV_HEADER,
  type LabelAnswer,
  type LabelRow,
} from './labels/label-csv.js';
export {
  LabelFile,
  DEFAULT_LABEL_KEY,
  MAX_BATCH_ANSWERS,
  LABEL_FILE_CONTENT_TYPE,
  type LabelFileOptions,
  type LabelFileStats,
  type AppendRetryInfo,
} from './labels/label-file.js';
export type { AppendResult } from './labels/append-batch.js';
export {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_MAX_DURATION_MS,
  DEFAULT_BASE_DELAY_MS,
  DEFAULT_MAX_DELAY_MS,
  MAX_STORAGE_FAILURES,
} from './labels/append-retry.js';
export { LabelAppendError, type LabelAppendErrorCode, type AppendFailureFacts } from './labels/label-append-error.js';
export { LabelFileFormatError } from './labels/label-file-format-error.js';
export { LabelInputError, type LabelInputErrorCode, type LabelInputErrorDetails } from './labels/label-input-error.js';
export {
  summarizeLabels,
  answerCountsByImage,
  imagesLabeledBy,
  type ImageSummary,
  type LabelSummary,
  type OverallSummary,
  type SummarizedAnswer,
} from './labels/summary.js';
export { LabelService, type LabelServiceOptions } from './labels/label-service.js';

export {
  computeConsensus,
  DEFAULT_MAX_ITERATIONS,
  DEFAULT_MIN_ANSWERS,
  DEFAULT_MIN_CONFIDENCE,
  DEFAULT_TOLERANCE,
  MAX_ITERATIONS_LIMIT,
} from './consensus/compute-consensus.js';
export { ANNOTATOR_PRIOR_CORRECT, ANNOTATOR_PRIOR_WRONG, CLASS_PRIOR_PSEUDO_COUNT } from './consensus/dawid-skene.js';
export { CONFIDENCE_DECIMALS, CONSENSUS_CSV_COLUMNS, formatConsensusCsv } from './consensus/consensus-csv.js';
export type {
  AnnotatorEstimate,
  ConsensusModel,
  ConsensusOptions,
  ConsensusOverall,
  ConsensusResult,
  ConsensusSettings,
  ConsensusVote,
  GoldLabels,
  ImageConsensus,
} from './consensus/consensus-types.js';
export { GOLD_LABELS_KEY, loadGoldLabels, parseGoldCsv, type GoldLabelFile } from './labels/gold-labels.js';
export { GoldFileFormatError } from './labels/gold-file-format-error.js';
export {
  ConsensusCache,
  DEFAULT_GOLD_CHECK_INTERVAL_MS,
  type ConsensusCacheOptions,
  type ConsensusCacheStats,
  type ConsensusVersion,
} from './labels/consensus-cache.js';
export { readDemoGoldLabels } from './images/demo-gold.js';
