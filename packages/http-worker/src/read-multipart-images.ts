import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { HttpError } from './http-error.js';

/** One uploaded file, read into memory. */
export interface UploadedFile {
  /** The name the client sent, unsanitized; the label store sanitizes it before storing. */
  fileName: string;
  bytes: Buffer;
  /** True when the part was longer than the limit; `bytes` then holds only the first part. */
  truncated: boolean;
}

export interface MultipartImages {
  fields: Record<string, string>;
  files: UploadedFile[];
}

export interface MultipartLimits {
  /** Largest accepted file in bytes. */
  maxFileBytes: number;
  /** Maximum file parts in one request. */
  maxFiles: number;
}

/** Longest accepted text field (such as `annotator`); names are at most 64 characters. */
const MAX_FIELD_BYTES = 1024;
/** Maximum text fields in one request; the upload form has one. */
const MAX_FIELDS = 8;

/**
 * Reads a `multipart/form-data` request with file parts named `image` and text fields.
 *
 * Each file is held in memory up to `maxFileBytes + 1` bytes, so a file over the limit is
 * reported without storing the rest of it. Throws `HttpError` 415 for another content type and
 * 400 for a malformed body, an unexpected part or too many files.
 */
export async function readMultipartImages(request: IncomingMessage, limits: MultipartLimits): Promise<MultipartImages> {
  const contentType = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\b/i.test(contentType)) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `content type ${JSON.stringify(contentType)} is not supported; send multipart/form-data with file fields named "image"`, {
      details: { contentType: contentType || null, expected: 'multipart/form-data' },
    });
  }

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: request.headers,
      limits: { fileSize: limits.maxFileBytes + 1, files: limits.maxFiles, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, parts: limits.maxFiles + MAX_FIELDS },
      defParamCharset: 'utf8',
    });
  } catch (error) {
    throw new HttpError(400, 'INVALID_MULTIPART', `multipart body cannot be read: ${(error as Error).message}`, { cause: error });
  }

  return new Promise<MultipartImages>((resolve, reject) => {
    const result: MultipartImages = { fields: {}, files: [] };
    const pendingFiles: Promise<void>[] = [];
    let failure: HttpError | undefined;
    const fail = (error: HttpError) => {
      failure ??= error;
    };

    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) {
        fail(new HttpError(400, 'FIELD_TOO_LONG', `form field "${name}" is longer than ${MAX_FIELD_BYTES} bytes`, { details: { field: name, limit: MAX_FIELD_BYTES } }));
        return;
      }
      result.fields[name] = value;
    });

    parser.on('file', (name, stream, info) => {
      if (name !== 'image') {
        stream.resume();
        fail(new HttpError(400, 'UNEXPECTED_FILE_FIELD', `file field "${name}" is not accepted; send files in fields named "image"`, { details: { field: name } }));
        return;
      }

      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        chunks.push(chunk);
      });
      stream.on('limit', () => {
        truncated = true;
      });
      pendingFiles.push(
        new Promise<void>((done) => {
          stream.on('close', () => {
            result.files.push({ fileName: info.filename ?? '', bytes: Buffer.concat(chunks, size), truncated });
            done();
          });
        }),
      );
    });

    parser.on('filesLimit', () => {
      fail(new HttpError(400, 'TOO_MANY_FILES', `the request has more than ${limits.maxFiles} files; upload at most ${limits.maxFiles} per request`, { details: { limit: limits.maxFiles } }));
    });
    parser.on('partsLimit', () => fail(new HttpError(400, 'TOO_MANY_PARTS', 'the multipart body has too many parts')));
    parser.on('fieldsLimit', () => fail(new HttpError(400, 'TOO_MANY_FIELDS', `the multipart body has more than ${MAX_FIELDS} text fields`)));

    parser.on('error', (error: Error) => {
      reject(new HttpError(400, 'INVALID_MULTIPART', `multipart body cannot be read: ${error.message}`, { cause: error }));
    });
    parser.on('close', () => {
      void Promise.all(pendingFiles).then(() => (failure ? reject(failure) : resolve(result)));
    });

    request.on('aborted', () => reject(new HttpError(400, 'REQUEST_ABORTED', 'the client closed the connection during the upload')));
    request.pipe(parser);
  });
}
