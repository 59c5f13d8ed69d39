/**
 * Maximum length of a sanitized file name in UTF-8 bytes. It fits in S3 metadata (2 KB per object) even
 * after percent-encoding triples every non-ASCII byte, and it is long enough for any real name.
 */
export const MAX_FILE_NAME_BYTES = 200;

/** Extensions up to this many bytes survive truncation, so `very-long…name.jpeg` keeps `.jpeg`. */
const MAX_KEPT_EXTENSION_BYTES = 16;

// C0 and C1 controls, DEL, and the bidirectional overrides and isolates that can make a name
// display differently from its bytes (such as "gnp.exe" shown as "exe.png").
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Reduces a client's file name to a base name that is safe to store and display. `storeImage`
 * uses the result as metadata only, never in a storage key. The steps:
 *
 * 1. Percent-decode once if the name is valid percent-encoding, so `%2e%2e%2fa.png` becomes `../a.png`.
 * 2. Keep the part after the last `/` or `\`.
 * 3. Replace unpaired UTF-16 surrogates with U+FFFD, and remove control and bidirectional-override characters.
 * 4. Cut the name to `MAX_FILE_NAME_BYTES`, keeping a short extension, and trim spaces.
 * 5. Return `''` if nothing but dots (such as `..`) or nothing at all is left.
 */
export function sanitizeFileName(name: string): string {
  const decoded = decodeOnce(name);
  const baseName = decoded.split(/[/\\]/).pop() ?? '';
  const cleaned = baseName.replace(LONE_SURROGATE, '\ufffd').replace(UNSAFE_CHARACTERS, '');
  const shortened = truncateKeepingExtension(cleaned.trim(), MAX_FILE_NAME_BYTES).trim();

  return /^\.*$/.test(shortened) ? '' : shortened;
}

function decodeOnce(name: string): string {
  if (!name.includes('%')) return name;
  try {
    return decodeURIComponent(name);
  } catch {
    // Not valid percent-encoding, such as "100%.png": the name is meant literally.
    return name;
  }
}

function truncateKeepingExtension(name: string, maxBytes: number): string {
  if (utf8Length(name) <= maxBytes) return name;

  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot) : '';
  if (extension !== '' && utf8Length(extension) <= MAX_KEPT_EXTENSION_BYTES) {
    return truncateUtf8(name.slice(0, dot), maxBytes - utf8Length(extension)) + extension;
  }
  return truncateUtf8(name, maxBytes);
}

/** Cuts a string to at most `maxBytes` of UTF-8 at a code point boundary. */
function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let result = '';
  for (const codePoint of text) {
    bytes += utf8Length(codePoint);
    if (bytes > maxBytes) break;
    result += codePoint;
  }
  return result;
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
