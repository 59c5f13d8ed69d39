import { CsvParseError } from './csv-parse-error.js';
import { formatCsvRow, parseCsv } from './csv.js';
import { isImageId, isStoredAnswerId } from './label-ids.js';
import { LabelFileFormatError } from './label-file-format-error.js';

/** One recorded answer, as a row of the label file. */
export interface LabelAnswer {
  /** UUID in lower case, chosen by the client; unique in the file. */
  answerId: string;
  /** Image id: 64 lowercase hex digits. */
  image: string;
  /** 1 = hot dog, 0 = not a hot dog. */
  label: 0 | 1;
  annotator: string;
  /** Server time of the request, ISO 8601 UTC with milliseconds, such as `2026-05-01T12:00:00.000Z`. */
  labeledAt: string;
}

/** Columns of the label file, in order. */
export const LABEL_CSV_COLUMNS = ['answer_id', 'image', 'label', 'annotator', 'labeled_at'] as const;

/** First line of every label file, with its CRLF. */
export const LABEL_CSV_HEADER = formatCsvRow(LABEL_CSV_COLUMNS);

const ISO_UTC_MILLISECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** One parsed row with the line on which it starts. */
export interface LabelRow {
  answer: LabelAnswer;
  line: number;
}

/** Formats one answer as a CSV row ending with CRLF. */
export function formatLabelRow(answer: LabelAnswer): string {
  return formatCsvRow([answer.answerId, answer.image, String(answer.label), answer.annotator, answer.labeledAt]);
}

/**
 * Formats a time as the file writes it, such as `2026-05-01T12:00:00.000Z`.
 *
 * @throws RangeError for an invalid date or a year outside 0 to 9999, which the file format cannot hold.
 */
export function formatLabeledAt(time: Date): string {
  const text = Number.isNaN(time.getTime()) ? 'Invalid Date' : time.toISOString();
  if (!ISO_UTC_MILLISECONDS.test(text)) {
    throw new RangeError(`labeled_at time ${text} is not a valid date in the years 0 to 9999; check the clock passed as \`now\``);
  }
  return text;
}

/**
 * Parses label file text into rows. With `header` set the text must start with the header line;
 * without it the text is a tail of a file and contains rows only. Answer ids are not checked for
 * repeats here, because a tail needs the rows before it, so `parseLabelSnapshot` checks them.
 *
 * @throws LabelFileFormatError naming `key` and the line of the first problem.
 */
export function parseLabelRows(text: string, key: string, options: { header: boolean; firstLine: number }): LabelRow[] {
  let records;
  try {
    records = parseCsv(text, { firstLine: options.firstLine });
  } catch (error) {
    if (error instanceof CsvParseError) throw new LabelFileFormatError(key, error.line, error.reason, { cause: error });
    throw error;
  }

  if (options.header) {
    const header = records.shift();
    if (header === undefined || header.fields.join(',') !== LABEL_CSV_COLUMNS.join(',')) {
      throw new LabelFileFormatError(
        key,
        header?.line ?? options.firstLine,
        `the header must be ${LABEL_CSV_COLUMNS.join(',')}, found ${JSON.stringify(header?.fields.join(',') ?? '')}`,
      );
    }
  }

  return records.map(({ line, fields }) => ({ answer: parseAnswerFields(fields, key, line), line }));
}

function parseAnswerFields(fields: string[], key: string, line: number): LabelAnswer {
  if (fields.length !== LABEL_CSV_COLUMNS.length) {
    throw new LabelFileFormatError(key, line, `a row must have ${LABEL_CSV_COLUMNS.length} fields, found ${fields.length}`);
  }

  const [answerId, image, label, annotator, labeledAt] = fields as [string, string, string, string, string];
  if (!isStoredAnswerId(answerId)) {
    throw new LabelFileFormatError(key, line, `answer_id must be a lowercase UUID, found ${JSON.stringify(answerId)}`);
  }
  if (!isImageId(image)) {
    throw new LabelFileFormatError(key, line, `image must be 64 lowercase hex digits, found ${JSON.stringify(image)}`);
  }
  if (label !== '0' && label !== '1') {
    throw new LabelFileFormatError(key, line, `label must be 0 or 1, found ${JSON.stringify(label)}`);
  }
  if (annotator === '') {
    throw new LabelFileFormatError(key, line, 'annotator is empty');
  }
  if (!ISO_UTC_MILLISECONDS.test(labeledAt) || Number.isNaN(Date.parse(labeledAt)) || new Date(labeledAt).toISOString() !== labeledAt) {
    throw new LabelFileFormatError(
      key,
      line,
      `labeled_at must be an ISO 8601 UTC time with milliseconds such as 2026-05-01T12:00:00.000Z, found ${JSON.stringify(labeledAt)}`,
    );
  }

  return { answerId, image, label: label === '1' ? 1 : 0, annotator, labeledAt };
}
