/** The worker's labeling API, as the page uses it. Every request goes to the page's own origin. */

export interface SampledImage {
  id: string;
  url: string;
  contentType: string;
}

export interface Sample {
  images: SampledImage[];
  /** Images this annotator has not labeled, including the sampled ones. */
  remaining: number;
}

export interface Answer {
  image: string;
  label: 0 | 1;
  answerId: string;
}

export interface LabelResult {
  recorded: number;
  duplicates: number;
}

export interface UploadedImage {
  id: string;
  contentType: string;
  fileName: string;
  created: boolean;
  width: number;
  height: number;
}

export interface ImageSummary {
  image: string;
  answers: number;
  hotDog: number;
  notHotDog: number;
  majority: 1 | 0 | 'tie';
  agreement: number;
}

export interface LabelSummary {
  overall: { answers: number; images: number; annotators: number; agreement: number | null };
  images: ImageSummary[];
}

/** The consensus on one image with at least one vote, from `GET /v1/labels/consensus`. */
export interface ImageConsensus {
  image: string;
  answers: number;
  hotDog: number;
  notHotDog: number;
  /** Distinct annotators who voted on the image. */
  annotators: number;
  majority: 1 | 0 | 'tie';
  /** Share of the votes equal to the majority, or 0.5 for a tie. */
  voteShare: number;
  /** The consolidated label: the more probable class under the model, or the gold label. */
  label: 1 | 0;
  /** Probability of `label` under the model, in [0.5, 1], and 1 for a gold image. */
  confidence: number;
  /** The known true label, or `null` when the image is not gold. */
  gold: 1 | 0 | null;
  needsMoreLabels: boolean;
}

/** One annotator as the consensus model and the gold images rate them. */
export interface AnnotatorEstimate {
  annotator: string;
  answers: number;
  /** Estimated probability that the annotator labels a hot dog as 1. */
  sensitivity: number;
  /** Estimated probability that the annotator labels anything else as 0. */
  specificity: number;
  /** Estimated share of correct labels, from the model's sensitivity, specificity and class prior. */
  accuracy: number;
  /** Answers on gold images. */
  goldAnswers: number;
  /** Share of the answers on gold images that equal the gold label, or `null` without gold answers. */
  goldAccuracy: number | null;
}

export interface Consensus {
  overall: {
    answers: number;
    images: number;
    annotators: number;
    goldImages: number;
    needsMoreLabels: number;
    agreement: number | null;
  };
  /** The thresholds below which an image needs more labels. */
  settings: { minAnswers: number; minConfidence: number };
  /** Ordered by image id. */
  images: ImageConsensus[];
  /** Ordered by name. */
  annotators: AnnotatorEstimate[];
}

/** Most images one sample may ask for (the worker's limit). */
export const MAX_SAMPLE_COUNT = 50;

/** A failed request: the worker's error code and message, or `NETWORK_ERROR` (status 0). */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** From `Retry-After`, in milliseconds. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  /** Sending the same request again may work: no answer, a timeout, too many requests, or a 5xx. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

export const NETWORK_ERROR_MESSAGE = 'the worker could not be reached; check that it is running and the network is up';

/** Builds the error for a non-2xx response from its body (`{"error":{"code","message"}}` when the worker wrote it). */
export function errorFromResponse(status: number, bodyText: string, retryAfter: string | null): ApiError {
  let code = `HTTP_${status}`;
  let message = `the worker answered with status ${status}`;
  try {
    const body = JSON.parse(bodyText) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') {
      code = body.error.code;
    }
    if (typeof body.error?.message === 'string' && body.error.message !== '') {
      message = body.error.message;
    }
  } catch {
    // Not JSON (a proxy's error page, say): keep the status message.
  }
  const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
  return new ApiError(status, code, message, Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined);
}

async function requestJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { accept: 'application/json', ...init.headers }, cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', NETWORK_ERROR_MESSAGE);
  }

  const text = await response.text().catch(() => '');
  if (!response.ok) {
    throw errorFromResponse(response.status, text, response.headers.get('retry-after'));
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(response.status, 'INVALID_RESPONSE', `the worker answered ${path} with a body that is not JSON`);
  }
}

export function fetchSample(annotator: string, count: number): Promise<Sample> {
  const query = new URLSearchParams({ annotator, count: String(count) });
  return requestJson<Sample>(`/v1/images/sample?${query}`);
}

export function postLabels(annotator: string, answers: readonly Answer[]): Promise<LabelResult> {
  return requestJson<LabelResult>('/v1/labels', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ annotator, answers }),
  });
}

export function fetchSummary(): Promise<LabelSummary> {
  return requestJson<LabelSummary>('/v1/labels/summary');
}

export function fetchConsensus(): Promise<Consensus> {
  return requestJson<Consensus>('/v1/labels/consensus');
}

/** URL of an image by id, as the sample returns it. */
export function imageUrl(id: string): string {
  return `/v1/images/${encodeURIComponent(id)}`;
}
