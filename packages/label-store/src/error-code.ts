/** Returns the `code` property of a Node.js system error (such as `ENOENT`), or `undefined` for other values. */
export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}
