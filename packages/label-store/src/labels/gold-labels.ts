import { isImageId } from '../images/image-key.js';
import type { ObjectStore } from '../object-store.js';
import { CsvParseError } from './csv-parse-error.js';
import { parseCsv } from './csv.js';
import { GoldFileFormatError } from './gold-file-format-error.js';

/** Key of the gold label file that operators may upload: CSV `image,label`, one row per image whose true label is known. */
export const GOLD_LABELS_KEY = 'labels/gold.csv';

/** A version of the gold label file. */
export interface GoldLabelFile {
  etag: string;
  labels: Map<string, 0 | 1>;
}

/**
 * Reads the gold label file from the store, or returns `undefined` when it does not exist.
 *
 * @throws GoldFileFormatError naming the line when the file is malformed.
 * @throws StorageError when the store fails.
 */
export async function loadGoldLabels(store: ObjectStore, key: string = GOLD_LABELS_KEY): Promise<GoldLabelFile | undefined> {
  const object = await store.get(key);
  if (object === undefined) return undefined;

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(object.body);
  } catch (error) {
    throw new GoldFileFormatError(key, 1, 'the file is not UTF-8 text', { cause: error });
  }
  return { etag: object.etag, labels: parseGoldCsv(text, key) };
}

/**
 * Parses a gold label file: RFC 4180 CSV (LF line ends accepted) with the header `image,label`,
 * then rows of an image id (64 lower-case hex digits, the SHA-256 of the image) and 0 or 1.
 * A row may repeat an image with the same label. An empty text has no labels. `key` only names
 * the file in errors.
 *
 * @throws GoldFileFormatError naming the line for a CSV syntax error, another header, a malformed
 *   row, or one image with two labels.
 */
export function parseGoldCsv(text: string, key: string = GOLD_LABELS_KEY): Map<string, 0 | 1> {
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvParseError) throw new GoldFileFormatError(key, error.line, error.reason, { cause: error });
    throw error;
  }

  const labels = new Map<string, 0 | 1>();
  const [header, ...rows] = records;
  if (header === undefined) return labels;
  if (header.fields.join(',') !== 'image,label') {
    throw new GoldFileFormatError(key, header.line, `the header must be "image,label", found ${JSON.stringify(header.fields.join(','))}`);
  }

  for (const row of rows) {
    // An empty line, such as a blank line at the end, carries no label.
    if (row.fields.length === 1 && row.fields[0] === '') continue;

    const [image = '', label, ...extra] = row.fields;
    if (!isImageId(image) || (label !== '0' && label !== '1') || extra.length > 0) {
      throw new GoldFileFormatError(key, row.line, `expected "<64 lower-case hex digits>,<0 or 1>", found ${JSON.stringify(row.fields.join(','))}`);
    }
    const value = label === '1' ? 1 : 0;
    if (labels.has(image) && labels.get(image) !== value) {
      throw new GoldFileFormatError(key, row.line, `image ${image} has both labels 0 and 1`);
    }
    labels.set(image, value);
  }
  return labels;
}
