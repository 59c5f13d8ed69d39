/**
 * Quotes text for a POSIX shell: single quotes around it, with each `'` written as `'\''`.
 * ffmpeg's concat lists accept the same quoting.
 */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}
