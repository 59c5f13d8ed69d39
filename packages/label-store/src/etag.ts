import { createHash } from 'node:crypto';

/**
 * Computes the ETag that the memory and fs stores give a body: its SHA-256 in hex, in double
 * quotes as S3 sends ETags. Equal bodies get equal ETags, as with S3.
 */
export function contentEtag(body: Uint8Array): string {
  return `"${createHash('sha256').update(body).digest('hex')}"`;
}

/** Compares two ETags, accepting either with or without the surrounding quotes, as S3 does. */
export function etagsEqual(left: string, right: string): boolean {
  return stripQuotes(left) === stripQuotes(right);
}

function stripQuotes(etag: string): string {
  return etag.length >= 2 && etag.startsWith('"') && etag.endsWith('"') ? etag.slice(1, -1) : etag;
}
