import { type LabelAnswer, parseLabelRows } from './label-csv.js';
import { LabelFileFormatError } from './label-file-format-error.js';

/**
 * One version of the label file, parsed. Snapshots are not changed after they are made, so a
 * newer version gets a new snapshot, which shares only the frozen row objects.
 */
export interface LabelSnapshot {
  /** ETag of this version, or `undefined` when the file does not exist. */
  readonly etag: string | undefined;
  /** The whole file as text, or empty when the file does not exist. */
  readonly text: string;
  /** Rows in file order, frozen so that callers cannot change the cached ones. */
  readonly answers: readonly LabelAnswer[];
  /** Rows by answer id, with the line of each row for error messages. */
  readonly byId: ReadonlyMap<string, { answer: LabelAnswer; line: number }>;
  /** 1 + the number of line feeds in `text`: the number of the line after a text that ends with one. */
  readonly nextLine: number;
}

/** The snapshot of a label file that does not exist. */
export const MISSING_FILE_SNAPSHOT: LabelSnapshot = { etag: undefined, text: '', answers: [], byId: new Map(), nextLine: 1 };

/**
 * Parses a version of the label file. When `previous` contains a prefix of `text` that ends with a
 * line break, only the rest is parsed: appended rows cannot change how earlier rows parse, so a
 * file read after an append costs time in proportion to the appended rows.
 *
 * @throws LabelFileFormatError for a malformed file or a repeated answer id, naming the line.
 */
export function parseLabelSnapshot(key: string, etag: string, text: string, previous?: LabelSnapshot): LabelSnapshot {
  if (previous !== undefined && previous.text.endsWith('\n') && text.startsWith(previous.text)) {
    const tail = text.slice(previous.text.length);
    const rows = parseLabelRows(tail, key, { header: false, firstLine: previous.nextLine });
    return extendSnapshot(key, previous, etag, text, rows);
  }

  // An existing but empty file (such as one made by `touch`) has no rows yet; the next append writes the header.
  const rows = text === '' ? [] : parseLabelRows(text, key, { header: true, firstLine: 1 });
  return extendSnapshot(key, { ...MISSING_FILE_SNAPSHOT, nextLine: 1 }, etag, text, rows);
}

/**
 * Makes the snapshot of `text`, which is `previous.text` followed by `rows` (and possibly a
 * header or line break).
 *
 * @throws LabelFileFormatError when a row repeats an answer id.
 */
function extendSnapshot(
  key: string,
  previous: LabelSnapshot,
  etag: string,
  text: string,
  rows: readonly { answer: LabelAnswer; line: number }[],
): LabelSnapshot {
  const byId = new Map(previous.byId);
  const answers = [...previous.answers];

  for (const row of rows) {
    const earlier = byId.get(row.answer.answerId);
    if (earlier !== undefined) {
      throw new LabelFileFormatError(
        key,
        row.line,
        `answer_id ${row.answer.answerId} repeats the row at line ${earlier.line}; each answer must appear once`,
      );
    }
    const answer = Object.freeze({ ...row.answer });
    byId.set(answer.answerId, { answer, line: row.line });
    answers.push(answer);
  }

  return { etag, text, answers, byId, nextLine: previous.nextLine + countLineFeeds(text.slice(previous.text.length)) };
}

function countLineFeeds(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) count += 1;
  return count;
}
