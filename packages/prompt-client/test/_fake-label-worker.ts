import type { ServerResponse } from 'node:http';

import { decode as decodeJpeg } from 'jpeg-js';

import type { FakeHandler, RecordedRequest } from './_fake-worker.js';
import { sendJson } from './_fake-worker.js';
import { sha256 } from './_images.js';
import { parseMultipart } from './_multipart.js';
import type { MultipartPart } from './_multipart.js';

/** Image stored by the fake worker. */
export interface FakeImage {
  id: string;
  contentType: string;
  bytes: Buffer;
}

export interface StoredAnswer {
  annotator: string;
  image: string;
  label: number;
  answerId: string;
}

/** Mutable state of the fake labeling worker; tests read and change it directly. */
export interface LabelWorkerState {
  images: FakeImage[];
  /** Recorded answers by answerId, so a resent answer is a duplicate. */
  answers: Map<string, StoredAnswer>;
  /**
   * Upcoming POST /v1/labels requests to answer with 503. With `recordFirst` the answers are
   * stored before the 503, as when a worker records them and its response is lost.
   */
  labelFailures: { remaining: number; recordFirst: boolean };
  /** Parts of every upload request, in arrival order. */
  uploads: MultipartPart[][];
}

/** Creates state holding `images`, each with its SHA-256 as id and its sniffed type. */
export function createLabelWorkerState(images: readonly Buffer[]): LabelWorkerState {
  return {
    images: images.map((bytes) => ({ id: sha256(bytes), contentType: sniff(bytes) ?? 'application/octet-stream', bytes })),
    answers: new Map(),
    labelFailures: { remaining: 0, recordFirst: false },
    uploads: [],
  };
}

/**
 * Returns a handler that implements the worker's labeling API on `state`: image sample, image
 * bytes, labels, upload and summary. Other requests get 404. Errors use the worker's JSON
 * envelope. The fake accepts only PNG and JPEG uploads.
 */
export function labelWorkerHandler(state: LabelWorkerState): FakeHandler {
  return (request, response) => {
    const url = new URL(request.url, 'http://fake.test');
    const imageMatch = /^\/v1\/images\/([0-9a-f]{64})$/.exec(url.pathname);

    if (request.method === 'GET' && url.pathname === '/v1/images/sample') {
      sendSample(state, url, response);
    } else if (request.method === 'GET' && imageMatch !== null) {
      sendImage(state, imageMatch[1] as string, response);
    } else if (request.method === 'POST' && url.pathname === '/v1/labels') {
      recordLabels(state, request, response);
    } else if (request.method === 'POST' && url.pathname === '/v1/images') {
      storeUpload(state, request, response);
    } else if (request.method === 'GET' && url.pathname === '/v1/labels/summary') {
      sendJson(response, 200, summarize(state));
    } else if (request.method === 'GET' && url.pathname === '/v1/labels/consensus') {
      sendJson(response, 200, consensus(state));
    } else if (request.method === 'GET' && url.pathname === '/v1/export/labels.csv') {
      response.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
      response.end(exportCsv(state));
    } else {
      sendError(response, 404, 'NOT_FOUND', `no route for ${request.method} ${url.pathname}`);
    }
  };
}

function sendSample(state: LabelWorkerState, url: URL, response: ServerResponse): void {
  const annotator = url.searchParams.get('annotator') ?? '';
  if (annotator.trim() === '') {
    sendError(response, 400, 'INVALID_ANNOTATOR', 'annotator must not be empty', { field: 'annotator' });
    return;
  }
  const count = Number(url.searchParams.get('count') ?? '4');
  const labeled = new Set([...state.answers.values()].filter((answer) => answer.annotator === annotator).map((a) => a.image));
  const unlabeled = state.images.filter((image) => !labeled.has(image.id));

  sendJson(response, 200, {
    images: unlabeled
      .slice(0, count)
      .map((image) => ({ id: image.id, url: `/v1/images/${image.id}`, contentType: image.contentType })),
    remaining: unlabeled.length,
  });
}

function sendImage(state: LabelWorkerState, id: string, response: ServerResponse): void {
  const image = state.images.find((candidate) => candidate.id === id);
  if (image === undefined) {
    sendError(response, 404, 'IMAGE_NOT_FOUND', `no image ${id}`);
    return;
  }
  response.writeHead(200, { 'content-type': image.contentType, etag: `"${image.id}"`, 'x-request-id': 'fake-image' });
  response.end(image.bytes);
}

function recordLabels(state: LabelWorkerState, request: RecordedRequest, response: ServerResponse): void {
  const body = JSON.parse(request.body) as { annotator: string; answers: Array<Omit<StoredAnswer, 'annotator'>> };
  const failing = state.labelFailures.remaining > 0;
  if (failing) {
    state.labelFailures.remaining -= 1;
    if (!state.labelFailures.recordFirst) {
      sendError(response, 503, 'UNAVAILABLE', 'fake worker is unavailable');
      return;
    }
  }

  for (const [index, answer] of body.answers.entries()) {
    if (!state.images.some((image) => image.id === answer.image)) {
      sendError(response, 400, 'UNKNOWN_IMAGE', `answers[${index}].image is not a known image`, {
        field: `answers[${index}].image`,
      });
      return;
    }
  }

  let recorded = 0;
  let duplicates = 0;
  for (const answer of body.answers) {
    if (state.answers.has(answer.answerId)) {
      duplicates += 1;
    } else {
      state.answers.set(answer.answerId, { ...answer, annotator: body.annotator });
      recorded += 1;
    }
  }

  if (failing) {
    sendError(response, 503, 'UNAVAILABLE', 'fake worker recorded the answers but failed to respond');
    return;
  }
  sendJson(response, 200, { recorded, duplicates }, `fake-labels-${recorded}`);
}

function storeUpload(state: LabelWorkerState, request: RecordedRequest, response: ServerResponse): void {
  const parts = parseMultipart(request.bytes, request.contentType);
  state.uploads.push(parts);

  if (parts[0]?.name !== 'annotator' || parts[0].data.toString('utf8').trim() === '') {
    sendError(response, 400, 'INVALID_ANNOTATOR', 'the first part must be the annotator field', { field: 'annotator' });
    return;
  }

  const stored = [];
  for (const part of parts.slice(1).filter((candidate) => candidate.name === 'image')) {
    const fileName = part.fileNameStar ?? part.fileName ?? '';
    if (part.data.length === 0) {
      sendError(response, 400, 'EMPTY_FILE', `${fileName} is empty`, { field: 'image' });
      return;
    }
    const contentType = sniff(part.data);
    if (contentType === undefined) {
      sendError(response, 415, 'UNSUPPORTED_IMAGE_TYPE', `${fileName} is not a PNG or JPEG image`, { field: 'image' });
      return;
    }

    const id = sha256(part.data);
    const created = !state.images.some((image) => image.id === id);
    if (created) {
      state.images.push({ id, contentType, bytes: part.data });
    }
    stored.push({ id, contentType, fileName, created, ...measure(part.data, contentType) });
  }

  if (stored.length === 0) {
    sendError(response, 400, 'NO_FILE', 'no image part', { field: 'image' });
    return;
  }
  sendJson(response, 201, { images: stored }, 'fake-upload');
}

function summarize(state: LabelWorkerState): unknown {
  const byImage = new Map<string, { hotDog: number; notHotDog: number }>();
  for (const answer of state.answers.values()) {
    const counts = byImage.get(answer.image) ?? { hotDog: 0, notHotDog: 0 };
    if (answer.label === 1) {
      counts.hotDog += 1;
    } else {
      counts.notHotDog += 1;
    }
    byImage.set(answer.image, counts);
  }

  let agreeing = 0;
  const images = [...byImage.entries()].map(([image, counts]) => {
    const answers = counts.hotDog + counts.notHotDog;
    const top = Math.max(counts.hotDog, counts.notHotDog);
    agreeing += top;
    let majority: 1 | 0 | 'tie' = counts.hotDog > counts.notHotDog ? 1 : 0;
    if (counts.hotDog === counts.notHotDog) {
      majority = 'tie';
    }
    return { image, answers, ...counts, majority, agreement: top / answers };
  });
  const annotators = new Set([...state.answers.values()].map((answer) => answer.annotator));
  return {
    images,
    overall: {
      answers: state.answers.size,
      images: images.length,
      annotators: annotators.size,
      agreement: state.answers.size === 0 ? 0 : agreeing / state.answers.size,
    },
  };
}

/**
 * A consensus without a model: the label is the majority (0 for a tie), the confidence is the
 * vote share, and every annotator gets an estimated accuracy of 0.9 and no gold answers.
 */
function consensus(state: LabelWorkerState): unknown {
  const summary = summarize(state) as {
    images: { image: string; answers: number; hotDog: number; notHotDog: number; majority: 1 | 0 | 'tie'; agreement: number }[];
    overall: { answers: number; images: number; annotators: number; agreement: number };
  };
  const images = summary.images.map((image) => ({
    image: image.image,
    answers: image.answers,
    hotDog: image.hotDog,
    notHotDog: image.notHotDog,
    annotators: new Set([...state.answers.values()].filter((answer) => answer.image === image.image).map((answer) => answer.annotator)).size,
    majority: image.majority,
    voteShare: image.agreement,
    label: image.majority === 1 ? 1 : 0,
    confidence: image.agreement,
    gold: null,
    needsMoreLabels: image.answers < 3,
  }));
  const names = [...new Set([...state.answers.values()].map((answer) => answer.annotator))].sort();
  return {
    overall: { ...summary.overall, needsMoreLabels: images.filter((image) => image.needsMoreLabels).length },
    images,
    annotators: names.map((annotator) => ({
      annotator,
      answers: [...state.answers.values()].filter((answer) => answer.annotator === annotator).length,
      accuracy: 0.9,
      goldAnswers: 0,
      goldAccuracy: null,
    })),
  };
}

function exportCsv(state: LabelWorkerState): string {
  const { images } = consensus(state) as { images: { image: string; label: number; confidence: number; answers: number; hotDog: number; notHotDog: number; annotators: number; needsMoreLabels: boolean }[] };
  const rows = images.map((image) =>
    [image.image, image.label, image.confidence.toFixed(6), image.answers, image.hotDog, image.notHotDog, image.annotators, image.needsMoreLabels].join(','),
  );
  return ['image,label,confidence,votes,hot_dog_votes,not_hot_dog_votes,annotators,needs_more_labels', ...rows].map((row) => `${row}\r\n`).join('');
}

function sendError(response: ServerResponse, status: number, code: string, message: string, details: object = {}): void {
  sendJson(response, status, { error: { code, message, details } });
}

function sniff(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return 'image/png';
  }
  if (bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))) {
    return 'image/jpeg';
  }
  return undefined;
}

function measure(bytes: Buffer, contentType: string): { width: number; height: number } {
  if (contentType === 'image/png') {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  const image = decodeJpeg(bytes, { useTArray: true });
  return { width: image.width, height: image.height };
}
