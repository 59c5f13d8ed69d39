/** An image id: the lowercase hex SHA-256 of the image content. */
const IMAGE_ID = /^[0-9a-f]{64}$/;

/** A UUID of any version in the 8-4-4-4-12 hex form; answer ids are stored in lower case. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOWERCASE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Returns whether a value is an image id: 64 lowercase hex digits, the SHA-256 of the image content. */
export function isImageId(value: unknown): value is string {
  return typeof value === 'string' && IMAGE_ID.test(value);
}

/** Returns whether a value is a UUID of any version, in upper or lower case. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** Returns whether a value is an answer id as the label file stores it: a UUID in lower case. */
export function isStoredAnswerId(value: unknown): value is string {
  return typeof value === 'string' && LOWERCASE_UUID.test(value);
}
