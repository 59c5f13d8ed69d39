import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

/** A request body read as text and decoded as JSON. */
export interface JsonBody {
  /** The body exactly as received (UTF-8 decoded), kept for the transaction log. */
  text: string;
  value: unknown;
}

/**
 * Reads a JSON request body of at most `limitBytes`.
 *
 * Throws `HttpError` 415 for a content type other than `application/json` (or `+json`),
 * 413 when the declared or actual length exceeds the limit (reading stops there), and
 * 400 `INVALID_JSON` for an empty body, invalid UTF-8 or malformed JSON.
 */
export async function readJsonBody(request: IncomingMessage, limitBytes: number): Promise<JsonBody> {
  assertJsonContentType(request.headers['content-type']);

  const declaredLength = Number(request.headers['content-length']);
  if (Number.isFinite(declaredLength) && declaredLength > limitBytes) {
    throw bodyTooLarge(declaredLength, limitBytes);
  }

  const bytes = await readLimited(request, limitBytes);
  const text = decodeUtf8(bytes);
  if (text.trim() === '') {
    throw new HttpError(400, 'INVALID_JSON', 'request body is empty; send a JSON object such as {"numbers":[1,2,3]}');
  }

  try {
    return { text, value: JSON.parse(text) as unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HttpError(400, 'INVALID_JSON', `request body is not valid JSON: ${reason}`, { cause: error });
  }
}

function assertJsonContentType(contentType: string | undefined): void {
  const mediaType = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  const isJson = mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
  if (!isJson) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `content type ${JSON.stringify(contentType ?? '')} is not supported; send application/json`, {
      details: { contentType: contentType ?? null, expected: 'application/json' },
    });
  }
}

async function readLimited(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let received = 0;

  for await (const chunk of request as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > limitBytes) {
      // Stop reading: the rest of the upload is discarded when the connection closes.
      request.pause();
      throw bodyTooLarge(received, limitBytes, true);
    }
    chunks.push(chunk);
  }

  return Buffer.concat(chunks, received);
}

/** One decoder for every request: a fatal decoder keeps no state between `decode` calls. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes);
  } catch (error) {
    throw new HttpError(400, 'INVALID_JSON', 'request body is not valid UTF-8', { cause: error });
  }
}

function bodyTooLarge(size: number, limitBytes: number, atLeast = false): HttpError {
  const sizeText = atLeast ? `more than ${limitBytes} bytes` : `${size} bytes`;
  return new HttpError(413, 'BODY_TOO_LARGE', `request body is ${sizeText}; the limit is ${limitBytes} bytes`, {
    details: { limit: limitBytes },
    headers: { Connection: 'close' },
  });
}
