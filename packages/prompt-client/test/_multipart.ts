/** One parsed part of a multipart/form-data body. */
export interface MultipartPart {
  headers: Record<string, string>;
  /** `name` parameter of Content-Disposition. */
  name: string | undefined;
  /** `filename` parameter of Content-Disposition, if present. */
  fileName: string | undefined;
  /** `filename*` parameter of Content-Disposition (RFC 8187), decoded, if present. */
  fileNameStar: string | undefined;
  data: Buffer;
}

/**
 * Parses a multipart/form-data body strictly for tests: the body must start with the first
 * delimiter and end with the closing one plus CRLF, and every part must have a blank line
 * after its headers. Written independently of the client's encoder so that a shared mistake
 * cannot hide. Throws Error with the reason for a malformed body.
 */
export function parseMultipart(body: Buffer, contentType: string | undefined): MultipartPart[] {
  const boundary = /boundary=([^;]+)/.exec(contentType ?? '')?.[1];
  if (boundary === undefined) {
    throw new Error(`no boundary in content type ${String(contentType)}`);
  }
  const delimiter = Buffer.from(`--${boundary}`);
  const closing = Buffer.from(`\r\n--${boundary}--\r\n`);

  if (!body.subarray(0, delimiter.length + 2).equals(Buffer.concat([delimiter, Buffer.from('\r\n')]))) {
    throw new Error('body does not start with the boundary delimiter');
  }
  if (!body.subarray(body.length - closing.length).equals(closing)) {
    throw new Error('body does not end with the closing boundary delimiter');
  }

  const separator = Buffer.from(`\r\n--${boundary}`);
  const parts: MultipartPart[] = [];
  let start = delimiter.length + 2;
  const end = body.length - closing.length;

  for (let guard = 0; guard < 1000 && start <= end; guard += 1) {
    const next = body.indexOf(separator, start);
    const partEnd = next === -1 || next > end ? end : next;
    parts.push(parsePart(body.subarray(start, partEnd)));
    if (partEnd === end) {
      break;
    }
    start = partEnd + separator.length + 2;
  }
  return parts;
}

function parsePart(raw: Buffer): MultipartPart {
  const headerEnd = raw.indexOf('\r\n\r\n');
  if (headerEnd === -1) {
    throw new Error('part has no blank line after its headers');
  }
  const headers: Record<string, string> = {};
  for (const line of raw.subarray(0, headerEnd).toString('utf8').split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }

  const disposition = headers['content-disposition'] ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  return {
    headers,
    name: /;\s*name="([^"]*)"/.exec(disposition)?.[1],
    fileName: /;\s*filename="([^"]*)"/.exec(disposition)?.[1],
    fileNameStar: star === undefined ? undefined : decodeURIComponent(star),
    data: raw.subarray(headerEnd + 4),
  };
}
