import { ImageUploadError, InvalidKeyError, LabelAppendError, LabelInputError, StorageError } from '@hotdog-lab/label-store';
import { StatsInputError } from '@hotdog-lab/stats-core';
import type { Context, Middleware } from 'koa';
import { HttpError, type ErrorDetails } from '../http-error.js';

/** Seconds a client should wait after a storage failure: a few SDK retry rounds. */
const STORAGE_RETRY_AFTER_SECONDS = 5;

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetails };
}

/**
 * Turns every error into a JSON response, so no request ever gets an HTML page or a stack trace.
 *
 * Typed errors keep their status, code and message. Unknown errors become 500 with a message that
 * only names the request id. Every 5xx error is emitted on the app once, where the logger records it.
 * Requests that reach no route get 404, and a wrong method on a known path gets 405 with `Allow`.
 */
export function errorHandler(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      setMissingRouteError(ctx);
    } catch (error) {
      const httpError = toHttpError(error, ctx);
      ctx.state.error = httpError;
      for (const [name, value] of Object.entries(httpError.headers)) {
        ctx.set(name, value);
      }
      sendError(ctx, httpError);

      if (httpError.status >= 500) {
        ctx.app.emit('error', error, ctx);
      }
    }
  };
}

function toHttpError(error: unknown, ctx: Context): HttpError {
  if (error instanceof HttpError) {
    return error;
  }
  if (error instanceof StatsInputError) {
    return new HttpError(400, error.code, error.message, { details: { ...error.details }, cause: error });
  }
  if (error instanceof LabelInputError) {
    const status = error.code === 'ANSWER_ID_REUSED' ? 409 : 400;
    return new HttpError(status, error.code, error.message, { details: { field: error.field, ...error.details }, cause: error });
  }
  if (error instanceof ImageUploadError) {
    return new HttpError(error.status, error.code, error.message, { details: { fileName: error.fileName, ...error.details }, cause: error });
  }
  if (error instanceof LabelAppendError) {
    // Another writer kept winning or the store failed: the answers were not recorded, and the
    // client may send the same answer ids again without creating duplicates.
    return new HttpError(503, error.code, `${error.message}; the answers were not recorded, send them again`, {
      headers: { 'Retry-After': '1' },
      cause: error,
    });
  }
  if (error instanceof InvalidKeyError) {
    return new HttpError(400, error.code, error.message, { cause: error });
  }
  if (error instanceof StorageError) {
    // The store failed after its own retries; the request changed nothing it reports as done.
    return new HttpError(503, 'STORAGE_UNAVAILABLE', `storage is unavailable (${error.operation} failed after retries); sending the same request again after a few seconds is safe`, {
      details: { operation: error.operation },
      headers: { 'Retry-After': String(STORAGE_RETRY_AFTER_SECONDS) },
      cause: error,
    });
  }

  const clientError = asExposedClientError(error);
  if (clientError) {
    return clientError;
  }

  const requestId = String(ctx.state.requestId ?? 'unknown');
  return new HttpError(500, 'INTERNAL_ERROR', `internal error while handling request ${requestId}; the worker log has the details`, {
    details: { requestId },
    cause: error,
  });
}

/** Maps a 4xx error thrown by Koa or a library (an `http-errors` object) to an `HttpError`. */
function asExposedClientError(error: unknown): HttpError | undefined {
  if (typeof error !== 'object' || error === null) {
    return undefined;
  }

  const { status, expose, message } = error as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof status !== 'number' || status < 400 || status > 499 || expose !== true) {
    return undefined;
  }
  return new HttpError(status, 'BAD_REQUEST', String(message), { cause: error });
}

function setMissingRouteError(ctx: Context): void {
  if (ctx.body !== undefined && ctx.body !== null) {
    return;
  }

  if (ctx.status === 404) {
    sendError(ctx, new HttpError(404, 'NOT_FOUND', `no route for ${ctx.method} ${ctx.path}`));
  } else if (ctx.status === 405 || ctx.status === 501) {
    const allowed = String(ctx.response.get('Allow') ?? '');
    sendError(
      ctx,
      new HttpError(ctx.status, 'METHOD_NOT_ALLOWED', `method ${ctx.method} is not allowed on ${ctx.path}; allowed: ${allowed}`, {
        details: { method: ctx.method, allowed: allowed.split(/,\s*/).filter(Boolean) },
      }),
    );
  }
}

function sendError(ctx: Context, error: HttpError): void {
  const body: ErrorBody = { error: { code: error.code, message: error.message, details: error.details } };
  ctx.status = error.status;
  ctx.type = 'application/json';
  ctx.body = body;
}
