import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename, extname } from 'node:path';

import { toTransportError } from './_worker-http.js';
import { LocalFileError } from './local-file-error.js';
import { WorkerRequestError } from './worker-request-error.js';

/** Bytes of one file sent so far; the multipart framing around the file is not counted. */
export interface UploadProgress {
  sentBytes: number;
  totalBytes: number;
}

export interface UploadRequest {
  /** Absolute URL of `POST /v1/images`. */
  url: string;
  annotator: string;
  filePath: string;
  /** Time without any progress, sending or receiving, after which the upload fails. */
  idleTimeoutMs: number;
  /** Sent as `Authorization: Bearer <token>` when set. */
  apiToken?: string | undefined;
  onProgress?: ((progress: UploadProgress) => void) | undefined;
}

/** Response of the worker to one upload, with the body read as text. */
export interface UploadResponse {
  status: number;
  statusText: string;
  body: string;
  requestId: string | undefined;
}

/**
 * Content-Type of the file part by file extension. The worker sniffs the type from the bytes
 * and rejects what it does not support, so this is only a hint and unknown extensions are sent
 * as application/octet-stream.
 */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
};

/** Largest response body kept, because an upload response is one small JSON object. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * Sends one file to the worker as multipart/form-data: the text field `annotator` first, then
 * the file part `image`. The file is streamed from disk, and Content-Length is computed up
 * front from the file size so the worker can reject an oversized file before reading it.
 * Throws LocalFileError when the file cannot be opened or read, or changes size while it is
 * sent, and WorkerRequestError when the worker cannot be reached or goes idle.
 * Any HTTP status is returned, not thrown.
 */
export async function sendUpload(upload: UploadRequest): Promise<UploadResponse> {
  const file = await openRegularFile(upload.filePath);
  try {
    const size = (await file.stat()).size;
    const body = buildMultipartFrame(upload.annotator, upload.filePath);
    const headers = {
      'content-type': `multipart/form-data; boundary=${body.boundary}`,
      'content-length': String(body.head.length + size + body.tail.length),
      accept: 'application/json',
      ...(upload.apiToken !== undefined && { authorization: `Bearer ${upload.apiToken}` }),
    };
    return await exchangeUpload(upload, headers, (request) => writeBody(request, body, file, size, upload));
  } finally {
    await file.close();
  }
}

/** Opening and closing bytes of the multipart body around the file content. */
interface MultipartFrame {
  boundary: string;
  head: Buffer;
  tail: Buffer;
}

/** Builds the multipart framing; the boundary is random, so file bytes cannot contain it by accident. */
export function buildMultipartFrame(annotator: string, filePath: string): MultipartFrame {
  const boundary = `hotdog-${randomBytes(16).toString('hex')}`;
  const fileName = basename(filePath);
  const contentType = CONTENT_TYPES[extname(fileName).toLowerCase()] ?? 'application/octet-stream';

  const head = [
    `--${boundary}\r\n`,
    'Content-Disposition: form-data; name="annotator"\r\n',
    'Content-Type: text/plain; charset=utf-8\r\n',
    '\r\n',
    `${annotator}\r\n`,
    `--${boundary}\r\n`,
    `Content-Disposition: form-data; name="image"; ${formatFileNameParameters(fileName)}\r\n`,
    `Content-Type: ${contentType}\r\n`,
    '\r\n',
  ].join('');
  return { boundary, head: Buffer.from(head, 'utf8'), tail: Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8') };
}

/**
 * Formats the `filename` parameter. A plain ASCII name is sent as a quoted string. Any other
 * name is sent twice: as an ASCII fallback with `_` in place of the other characters, and as
 * RFC 8187 `filename*` in UTF-8, which multipart parsers such as busboy prefer when present.
 */
function formatFileNameParameters(fileName: string): string {
  if (/^[\x20-\x7E]*$/.test(fileName) && !/["\\]/.test(fileName)) {
    return `filename="${fileName}"`;
  }
  const fallback = fileName.replace(/[^\x20-\x7E]|["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

async function openRegularFile(filePath: string): Promise<FileHandle> {
  let file: FileHandle;
  try {
    file = await open(filePath, 'r');
  } catch (error) {
    throw LocalFileError.fromSystemError(filePath, error);
  }

  const info = await file.stat();
  if (!info.isFile()) {
    await file.close();
    throw new LocalFileError('NOT_A_FILE', filePath, `${filePath} is not a regular file`);
  }
  return file;
}

/**
 * Runs one HTTP request whose body `write` sends, and resolves with the response.
 * A response that arrives before the body is complete (for example 413 for an oversized file)
 * wins: the rest of the body is not sent and later write errors are ignored.
 */
function exchangeUpload(
  upload: UploadRequest,
  headers: Record<string, string>,
  write: (request: ClientRequest) => Promise<void>,
): Promise<UploadResponse> {
  const url = new URL(upload.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise((resolve, reject) => {
    const request = send(url, { method: 'POST', headers });
    let settled = false;
    let responded = false;

    const fail = (error: unknown) => {
      if (settled) {
        return;
      }
      settled = true;
      request.destroy();
      reject(error);
    };

    request.setTimeout(upload.idleTimeoutMs, () => {
      fail(
        new WorkerRequestError(
          'WORKER_TIMEOUT',
          `upload to ${upload.url} timed out after ${upload.idleTimeoutMs / 1000} s without progress; check that the worker is running or raise --timeout`,
          { url: upload.url },
        ),
      );
    });
    request.on('error', (error) => {
      if (!responded) {
        fail(toTransportError(upload.url, error, upload.idleTimeoutMs));
      }
    });
    request.on('response', (response) => {
      responded = true;
      readResponse(upload.url, response).then(
        (result) => {
          settled = true;
          request.destroy();
          resolve(result);
        },
        fail,
      );
    });

    write(request).catch((error: unknown) => {
      if (error instanceof LocalFileError || !responded) {
        fail(error);
      }
    });
  });
}

async function writeBody(
  request: ClientRequest,
  frame: MultipartFrame,
  file: FileHandle,
  size: number,
  upload: UploadRequest,
): Promise<void> {
  const report = (sentBytes: number) => upload.onProgress?.({ sentBytes, totalBytes: size });

  report(0);
  await writeChunk(request, frame.head);

  let sent = 0;
  if (size > 0) {
    // autoClose is off because sendUpload closes the handle after the response.
    const stream = file.createReadStream({ start: 0, end: size - 1, autoClose: false });
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        if (request.destroyed) {
          return;
        }
        sent += chunk.length;
        await writeChunk(request, chunk);
        report(sent);
      }
    } catch (error) {
      if (request.destroyed) {
        return;
      }
      throw LocalFileError.fromSystemError(upload.filePath, error);
    } finally {
      stream.destroy();
    }
  }

  if (sent !== size) {
    throw new LocalFileError(
      'FILE_CHANGED',
      upload.filePath,
      `${upload.filePath} changed while it was uploaded: expected ${size} bytes, read ${sent}; upload it again`,
    );
  }
  request.end(frame.tail);
}

/** Writes one chunk and waits for the request to drain when its buffer is full. */
function writeChunk(request: ClientRequest, chunk: Buffer): Promise<void> {
  if (request.destroyed) {
    return Promise.resolve();
  }
  if (request.write(chunk)) {
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const cleanUp = () => {
      request.off('drain', onDrain);
      request.off('close', onDrain);
      request.off('error', onError);
    };
    const onDrain = () => {
      cleanUp();
      resolve();
    };
    const onError = (error: Error) => {
      cleanUp();
      reject(error);
    };
    request.on('drain', onDrain);
    request.on('close', onDrain);
    request.on('error', onError);
  });
}

async function readResponse(url: string, response: IncomingMessage): Promise<UploadResponse> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > MAX_RESPONSE_BYTES) {
      throw new WorkerRequestError(
        'INVALID_RESPONSE',
        `worker at ${url} sent an upload response larger than ${MAX_RESPONSE_BYTES} bytes`,
        { url, status: response.statusCode },
      );
    }
    chunks.push(chunk);
  }

  const requestId = response.headers['x-request-id'];
  return {
    status: response.statusCode ?? 0,
    statusText: response.statusMessage ?? '',
    body: Buffer.concat(chunks).toString('utf8'),
    requestId: typeof requestId === 'string' ? requestId : undefined,
  };
}
