import { describe, expect, it } from 'vitest';

import { formatLabeledAt, formatLabelRow, LABEL_CSV_HEADER, type LabelAnswer, parseLabelRows } from '../../src/labels/label-csv.js';
import { decodeLabelFile } from '../../src/labels/label-file-text.js';
import { LabelFileFormatError } from '../../src/labels/label-file-format-error.js';
import { parseLabelSnapshot } from '../../src/labels/label-snapshot.js';
import { answerId, caught, imageId } from './label-fixtures.js';

const KEY = 'labels/labels.csv';
const TIME = '2026-05-01T12:00:00.000Z';

function row(n: number, annotator = `annotator ${n}`): LabelAnswer {
  return { answerId: answerId(n), image: imageId(n), label: n % 2 === 0 ? 1 : 0, annotator, labeledAt: TIME };
}

describe('label CSV', () => {
  it('header is exact', () => {
    expect(LABEL_CSV_HEADER).toBe('answer_id,image,label,annotator,labeled_at\r\n');
  });

  it('formats a row', () => {
    expect(formatLabelRow(row(2, 'José, "Pepe"'))).toBe(`${answerId(2)},${imageId(2)},1,"José, ""Pepe""",${TIME}\r\n`);
  });

  it('round trips rows', () => {
    const rows = [row(1, 'alice'), row(2, "'quoted"), row(3, '名前'), row(4, 'a,b'), row(5, '👩‍🍳')];
    const text = LABEL_CSV_HEADER + rows.map(formatLabelRow).join('');

    expect(parseLabelRows(text, KEY, { header: true, firstLine: 1 }).map((parsed) => parsed.answer)).toEqual(rows);
  });

  it.each([
    ['wrong header', 'answer_id,image,label\r\n', 1, 'the header must be'],
    ['missing header', `${formatLabelRow(row(1))}`, 1, 'the header must be'],
    ['too few fields', `${LABEL_CSV_HEADER}a,b\r\n`, 2, 'must have 5 fields, found 2'],
    ['empty line', `${LABEL_CSV_HEADER}${formatLabelRow(row(1))}\r\n`, 3, 'found 1'],
    ['upper-case answer id', `${LABEL_CSV_HEADER}ABCDEF00-0000-4000-8000-000000000001,${imageId(1)},1,a,${TIME}\r\n`, 2, 'lowercase UUID'],
    ['bad image', `${LABEL_CSV_HEADER}${answerId(1)},xyz,1,a,${TIME}\r\n`, 2, 'image must be 64'],
    ['label 2', `${LABEL_CSV_HEADER}${answerId(1)},${imageId(1)},2,a,${TIME}\r\n`, 2, 'label must be 0 or 1, found "2"'],
    ['empty annotator', `${LABEL_CSV_HEADER}${answerId(1)},${imageId(1)},1,,${TIME}\r\n`, 2, 'annotator is empty'],
    ['time without ms', `${LABEL_CSV_HEADER}${answerId(1)},${imageId(1)},1,a,2026-05-01T12:00:00Z\r\n`, 2, 'labeled_at'],
    ['impossible date', `${LABEL_CSV_HEADER}${answerId(1)},${imageId(1)},1,a,2026-02-30T12:00:00.000Z\r\n`, 2, 'labeled_at'],
    ['CSV syntax', `${LABEL_CSV_HEADER}${formatLabelRow(row(1))}a"b\r\n`, 3, 'double quote'],
  ])('rejects %s with its line', async (_case, text, line, reason) => {
    const error = await caught(() => parseLabelRows(text, KEY, { header: true, firstLine: 1 }));

    expect(error).toBeInstanceOf(LabelFileFormatError);
    expect(error).toMatchObject({ code: 'INVALID_LABEL_FILE', key: KEY, line });
    expect((error as Error).message).toContain(`line ${line}`);
    expect((error as LabelFileFormatError).reason).toContain(reason);
  });

  it('formats labeled_at', () => {
    expect(formatLabeledAt(new Date(Date.UTC(2026, 4, 1, 12)))).toBe(TIME);
  });

  it.each([
    ['invalid date', new Date(Number.NaN)],
    ['year 10000', new Date(Date.UTC(10_000, 0, 1))],
    ['negative year', new Date(Date.UTC(-1, 0, 1))],
  ])('rejects labeled_at %s', (_case, time) => {
    expect(() => formatLabeledAt(time)).toThrow(RangeError);
  });
});

describe('label snapshot', () => {
  const base = LABEL_CSV_HEADER + [row(1), row(2)].map(formatLabelRow).join('');

  it('parses a whole file', () => {
    const snapshot = parseLabelSnapshot(KEY, '"e1"', base);

    expect(snapshot.answers.map((answer) => answer.answerId)).toEqual([answerId(1), answerId(2)]);
    expect(snapshot.byId.get(answerId(2))?.line).toBe(3);
    expect(snapshot.nextLine).toBe(4);
  });

  it('empty file has no rows', () => {
    expect(parseLabelSnapshot(KEY, '"e0"', '').answers).toEqual([]);
  });

  it('tail parse matches full parse', () => {
    const first = parseLabelSnapshot(KEY, '"e1"', base);
    const longer = base + [row(3, 'a\nb'), row(4)].map(formatLabelRow).join('');

    const incremental = parseLabelSnapshot(KEY, '"e2"', longer, first);
    const full = parseLabelSnapshot(KEY, '"e2"', longer);
    expect(incremental.answers).toEqual(full.answers);
    expect([...incremental.byId.entries()]).toEqual([...full.byId.entries()]);
    expect(incremental.nextLine).toBe(full.nextLine);
    expect(first.answers).toHaveLength(2);
  });

  it('tail error names the file line', async () => {
    const first = parseLabelSnapshot(KEY, '"e1"', base);

    const error = await caught(() => parseLabelSnapshot(KEY, '"e2"', `${base}bad\r\n`, first));
    expect(error).toMatchObject({ line: 4 });
  });

  it('changed prefix parses again', () => {
    const first = parseLabelSnapshot(KEY, '"e1"', base);
    const rewritten = LABEL_CSV_HEADER + formatLabelRow(row(7));

    expect(parseLabelSnapshot(KEY, '"e2"', rewritten, first).answers.map((answer) => answer.answerId)).toEqual([answerId(7)]);
  });

  it('rejects a repeated answer id', async () => {
    const text = base + formatLabelRow({ ...row(1), label: 1 });

    const error = await caught(() => parseLabelSnapshot(KEY, '"e1"', text));
    expect(error).toMatchObject({ code: 'INVALID_LABEL_FILE', line: 4 });
    expect((error as Error).message).toContain('repeats the row at line 2');
  });

  it('rows are frozen', () => {
    const snapshot = parseLabelSnapshot(KEY, '"e1"', base);

    expect(Object.isFrozen(snapshot.answers[0])).toBe(true);
  });
});

describe('decodeLabelFile', () => {
  it('drops a byte order mark', () => {
    expect(decodeLabelFile(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]), KEY)).toBe('a');
  });

  it('rejects invalid UTF-8 naming the line', async () => {
    const body = new Uint8Array([...new TextEncoder().encode('ok\r\nfine\nbad '), 0xff, 0x0d, 0x0a]);

    const error = await caught(() => decodeLabelFile(body, KEY));
    expect(error).toBeInstanceOf(LabelFileFormatError);
    expect(error).toMatchObject({ line: 3 });
  });
});
