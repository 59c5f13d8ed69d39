import { LabelFileFormatError } from './label-file-format-error.js';

const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes the label file as UTF-8. A leading byte order mark is dropped, as TextDecoder does.
 *
 * @throws LabelFileFormatError naming the first line that is not valid UTF-8.
 */
export function decodeLabelFile(body: Uint8Array, key: string): string {
  try {
    return strictDecoder.decode(body);
  } catch (error) {
    throw new LabelFileFormatError(key, firstInvalidLine(body), 'the line is not valid UTF-8', { cause: error });
  }
}

/** Finds the 1-based line with the first invalid UTF-8 sequence by decoding line by line, which is exact because byte 0x0A occurs in UTF-8 only as LF. */
function firstInvalidLine(body: Uint8Array): number {
  let line = 1;
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf(0x0a, start);
    if (end === -1) end = body.length;
    try {
      strictDecoder.decode(body.subarray(start, end));
    } catch {
      return line;
    }
    start = end + 1;
    line += 1;
  }
  return line;
}
