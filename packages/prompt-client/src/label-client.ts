import { isConsensusReport } from './_consensus-response.js';
import type { ConsensusReport } from './_consensus-response.js';
import { sendUpload } from './_upload-request.js';
import type { UploadProgress } from './_upload-request.js';
import {
  DEFAULT_TIMEOUT_MS,
  exchange,
  excerpt,
  isCount,
  isRecord,
  parseJson,
  requestJson,
  resolveWorkerUrl,
  toWorkerError,
} from './_worker-http.js';
import { WorkerRequestError } from './worker-request-error.js';

export type { UploadProgress } from './_upload-request.js';
export type { ConsensusAnnotator, ConsensusImage, ConsensusReport } from './_consensus-response.js';

export interface ConsensusResult {
  consensus: ConsensusReport;
  /** The response body exactly as the worker sent it. */
  body: string;
  requestId: string | undefined;
}

/** Options for LabelClient. */
export interface LabelClientOptions {
  /** Base URL of the worker, e.g. `http://127.0.0.1:3000`; a path prefix is kept. */
  workerUrl: string;
  /** Time allowed for each JSON or image request, body included, in milliseconds. Uploads use it as an idle timeout. */
  timeoutMs?: number;
  /** Fetch implementation for every request except uploads; defaults to Node's global `fetch`. */
  fetch?: typeof fetch;
  /** Bearer token sent with uploads, for a worker started with --api-token. */
  apiToken?: string | undefined;
}

/** Image offered for labeling. */
export interface SampleImage {
  /** Content id of the image (64 hexadecimal digits on the worker). */
  id: string;
  /** Path of the image bytes relative to the worker base URL, e.g. `/v1/images/<id>`. */
  url: string;
  contentType: string;
}

export interface ImageSample {
  images: SampleImage[];
  /** Images the annotator has not labeled yet, including the returned ones. */
  remaining: number;
  requestId: string | undefined;
}

/** Label values of the worker API. */
export const HOT_DOG = 1;
export const NOT_HOT_DOG = 0;

/** One answer of a labeling session. */
export interface LabelAnswer {
  image: string;
  label: typeof HOT_DOG | typeof NOT_HOT_DOG;
  /** UUID that makes a resent answer a duplicate instead of a second record. */
  answerId: string;
}

export interface LabelReceipt {
  recorded: number;
  /** Answers whose answerId the worker had already recorded. */
  duplicates: number;
  requestId: string | undefined;
}

export interface FetchedImage {
  bytes: Uint8Array;
  /** Content-Type of the response, which the worker sniffs from the bytes. */
  contentType: string;
  url: string;
}

/** Label counts of one image in the worker's summary. */
export interface ImageLabelSummary {
  image: string;
  answers: number;
  hotDog: number;
  notHotDog: number;
  majority: typeof HOT_DOG | typeof NOT_HOT_DOG | 'tie';
  /** Share of answers that agree with the majority, from 0 to 1; the client also accepts null. */
  agreement: number | null;
}

export interface LabelSummary {
  images: ImageLabelSummary[];
  overall: { answers: number; images: number; annotators: number; agreement: number | null };
}

export interface LabelSummaryResult {
  summary: LabelSummary;
  /** The response body exactly as the worker sent it. */
  body: string;
  requestId: string | undefined;
}

/** Image that the worker stored, or found already stored, for one uploaded file. */
export interface UploadedImage {
  id: string;
  contentType: string;
  fileName: string;
  /** False when the worker already had an image with the same bytes. */
  created: boolean;
  width: number;
  height: number;
}

/**
 * Largest image body read for the terminal preview. The worker accepts uploads up to 10 MiB by
 * default and can be configured higher; past this size the preview is skipped to bound memory.
 */
export const MAX_PREVIEW_BYTES = 64 * 1024 * 1024;

/** HTTP client for the worker's labeling endpoints. */
export class LabelClient {
  readonly workerUrl: string;
  readonly timeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #apiToken: string | undefined;

  constructor(options: LabelClientOptions) {
    resolveWorkerUrl(options.workerUrl, '');
    this.workerUrl = options.workerUrl;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#apiToken = options.apiToken;
  }

  /** Returns the absolute URL of a worker path such as `/v1/images/<id>`. Throws TypeError for another origin. */
  resolve(path: string): string {
    return resolveWorkerUrl(this.workerUrl, path);
  }

  /** Fetches up to `count` images that `annotator` has not labeled yet. */
  async sampleImages(annotator: string, count: number): Promise<ImageSample> {
    const query = new URLSearchParams({ annotator, count: String(count) });
    const url = this.resolve(`v1/images/sample?${query.toString()}`);
    const result = await requestJson(this.#fetch, url, { method: 'GET' }, this.timeoutMs, isSample, 'an image sample');
    return { images: result.value.images, remaining: result.value.remaining, requestId: result.requestId };
  }

  /**
   * Downloads the bytes of an image for the preview. `path` is the `url` of a SampleImage.
   * Throws WorkerRequestError for an error status, a transport failure, a path on another
   * origin, or a body larger than MAX_PREVIEW_BYTES.
   */
  async fetchImage(path: string): Promise<FetchedImage> {
    const url = this.#resolveResponsePath(path);
    const result = await exchange(this.#fetch, url, { method: 'GET' }, this.timeoutMs, (response) =>
      readAtMost(response, MAX_PREVIEW_BYTES),
    );
    const { response, body, requestId } = result;

    if (!response.ok) {
      const text = Buffer.from(body ?? new Uint8Array()).toString('utf8');
      throw toWorkerError(url, response, text, parseJson(text), requestId);
    }
    if (body === undefined) {
      throw new WorkerRequestError(
        'INVALID_RESPONSE',
        `image at ${url} is larger than the preview limit of ${MAX_PREVIEW_BYTES} bytes`,
        { url, status: response.status, requestId },
      );
    }
    return { bytes: body, contentType: response.headers.get('content-type') ?? '', url };
  }

  /** Sends the answers of one session in one request. Resending the same answerIds records nothing twice. */
  async postLabels(annotator: string, answers: readonly LabelAnswer[]): Promise<LabelReceipt> {
    const url = this.resolve('v1/labels');
    const request: RequestInit = {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ annotator, answers }),
    };
    const result = await requestJson(this.#fetch, url, request, this.timeoutMs, isReceipt, 'a label receipt');
    return { recorded: result.value.recorded, duplicates: result.value.duplicates, requestId: result.requestId };
  }

  /** Fetches the per-image label counts and agreement. */
  async getLabelSummary(): Promise<LabelSummaryResult> {
    const url = this.resolve('v1/labels/summary');
    const result = await requestJson(this.#fetch, url, { method: 'GET' }, this.timeoutMs, isLabelSummary, 'a label summary');
    return { summary: result.value, body: result.body, requestId: result.requestId };
  }

  /** Fetches the consolidated labels and the annotator estimates from `GET /v1/labels/consensus`. */
  async getConsensus(): Promise<ConsensusResult> {
    const url = this.resolve('v1/labels/consensus');
    const result = await requestJson(this.#fetch, url, { method: 'GET' }, this.timeoutMs, isConsensusReport, 'a label consensus');
    return { consensus: result.value, body: result.body, requestId: result.requestId };
  }

  /** Fetches the CSV export of the consolidated labels from `GET /v1/export/labels.csv`, as text. */
  async getExportCsv(): Promise<string> {
    const url = this.resolve('v1/export/labels.csv');
    const { response, body, requestId } = await exchange(this.#fetch, url, { method: 'GET' }, this.timeoutMs, (reply) => reply.text());
    if (!response.ok) {
      throw toWorkerError(url, response, body, parseJson(body), requestId);
    }
    if (!(response.headers.get('content-type') ?? '').startsWith('text/csv')) {
      throw new WorkerRequestError('INVALID_RESPONSE', `worker at ${url} returned HTTP ${response.status} without CSV: ${excerpt(body)}`, {
        url,
        status: response.status,
        requestId,
      });
    }
    return body;
  }

  /**
   * Uploads one local file as multipart/form-data, streaming it from disk.
   * Throws WorkerRequestError for a worker error or a transport failure, and the fs error
   * (ENOENT, EISDIR and so on) when the file cannot be read.
   */
  async uploadImage(
    annotator: string,
    filePath: string,
    onProgress?: (progress: UploadProgress) => void,
  ): Promise<UploadedImage> {
    const url = this.resolve('v1/images');
    const response = await sendUpload({ url, annotator, filePath, idleTimeoutMs: this.timeoutMs, onProgress, apiToken: this.#apiToken });

    const parsed = parseJson(response.body);
    if (response.status < 200 || response.status > 299) {
      throw toWorkerError(url, response, response.body, parsed, response.requestId);
    }
    const images = parsed !== undefined && isRecord(parsed.value) ? parsed.value.images : undefined;
    if (!Array.isArray(images) || images.length !== 1 || !isUploadedImage(images[0])) {
      throw new WorkerRequestError(
        'INVALID_RESPONSE',
        `worker at ${url} returned HTTP ${response.status} without exactly one stored image: ${excerpt(response.body)}`,
        { url, status: response.status, requestId: response.requestId },
      );
    }
    return images[0];
  }

  #resolveResponsePath(path: string): string {
    try {
      return this.resolve(path);
    } catch (error) {
      throw new WorkerRequestError('INVALID_RESPONSE', `worker returned an image URL outside its origin: "${path}"`, {
        url: this.workerUrl,
      }, { cause: error });
    }
  }
}

/**
 * Reads the body up to `limit` bytes. Returns undefined, and cancels the rest of the body,
 * when the body is longer, so a huge image never has to fit in memory.
 */
async function readAtMost(response: Response, limit: number): Promise<Uint8Array | undefined> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (response.body === null) {
    return new Uint8Array();
  }
  if (declared > limit) {
    await response.body.cancel();
    return undefined;
  }

  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.byteLength;
    if (total > limit) {
      await response.body.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function isSampleImage(value: unknown): value is SampleImage {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    value.id !== '' &&
    typeof value.url === 'string' &&
    typeof value.contentType === 'string'
  );
}

function isSample(value: unknown): value is { images: SampleImage[]; remaining: number } {
  return isRecord(value) && Array.isArray(value.images) && value.images.every(isSampleImage) && isCount(value.remaining);
}

function isReceipt(value: unknown): value is { recorded: number; duplicates: number } {
  return isRecord(value) && isCount(value.recorded) && isCount(value.duplicates);
}

/** Accepts a share from 0 to 1, or null for a worker that reports no agreement without answers. */
function isShare(value: unknown): value is number | null {
  return value === null || (typeof value === 'number' && value >= 0 && value <= 1);
}

function isImageLabelSummary(value: unknown): value is ImageLabelSummary {
  return (
    isRecord(value) &&
    typeof value.image === 'string' &&
    isCount(value.answers) &&
    isCount(value.hotDog) &&
    isCount(value.notHotDog) &&
    (value.majority === HOT_DOG || value.majority === NOT_HOT_DOG || value.majority === 'tie') &&
    isShare(value.agreement)
  );
}

function isLabelSummary(value: unknown): value is LabelSummary {
  if (!isRecord(value) || !Array.isArray(value.images) || !value.images.every(isImageLabelSummary)) {
    return false;
  }
  const overall = value.overall;
  return (
    isRecord(overall) &&
    isCount(overall.answers) &&
    isCount(overall.images) &&
    isCount(overall.annotators) &&
    isShare(overall.agreement)
  );
}

function isUploadedImage(value: unknown): value is UploadedImage {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.contentType === 'string' &&
    typeof value.fileName === 'string' &&
    typeof value.created === 'boolean' &&
    isCount(value.width) &&
    isCount(value.height)
  );
}
