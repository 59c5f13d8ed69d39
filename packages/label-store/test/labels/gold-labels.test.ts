import { describe, expect, it } from 'vitest';

import { GoldFileFormatError } from '../../src/labels/gold-file-format-error.js';
import { GOLD_LABELS_KEY, loadGoldLabels, parseGoldCsv } from '../../src/labels/gold-labels.js';
import { MemoryStore } from '../../src/memory-store.js';
import { imageId } from './label-fixtures.js';

const A = imageId(1);
const B = imageId(2);

describe('parseGoldCsv', () => {
  it.each([
    { case: 'empty text', text: '', labels: [] },
    { case: 'header only', text: 'image,label\r\n', labels: [] },
    { case: 'CRLF rows', text: `image,label\r\n${A},1\r\n${B},0\r\n`, labels: [[A, 1], [B, 0]] },
    { case: 'LF rows without a final break', text: `image,label\n${A},0\n${B},1`, labels: [[A, 0], [B, 1]] },
    { case: 'a blank line', text: `image,label\n${A},1\n\n`, labels: [[A, 1]] },
    { case: 'a repeated row with the same label', text: `image,label\n${A},1\n${A},1\n`, labels: [[A, 1]] },
  ])('reads $case', ({ text, labels }) => {
    expect([...parseGoldCsv(text)]).toEqual(labels);
  });

  it.each([
    { case: 'another header', text: `id,truth\n${A},1\n`, line: 1 },
    { case: 'a short id', text: 'image,label\nabc,1\n', line: 2 },
    { case: 'an upper-case id', text: `image,label\n${A.toUpperCase()},1\n`, line: 2 },
    { case: 'label 2', text: `image,label\n${A},2\n`, line: 2 },
    { case: 'an extra field', text: `image,label\n${A},1,x\n`, line: 2 },
    { case: 'two labels for one image', text: `image,label\n${A},1\n${B},0\n${A},0\n`, line: 4 },
    { case: 'an unclosed quote', text: `image,label\n"${A},1\n`, line: 2 },
  ])('rejects $case naming line $line', ({ text, line }) => {
    const parse = () => parseGoldCsv(text, 'labels/gold.csv');

    expect(parse).toThrow(GoldFileFormatError);
    expect(parse).toThrow(expect.objectContaining({ code: 'INVALID_GOLD_FILE', line, key: 'labels/gold.csv' }));
  });
});

describe('loadGoldLabels', () => {
  it('missing file gives undefined', async () => {
    expect(await loadGoldLabels(new MemoryStore())).toBeUndefined();
  });

  it('reads labels and ETag from the store', async () => {
    const store = new MemoryStore();
    const { etag } = await store.put(GOLD_LABELS_KEY, `\uFEFFimage,label\n${A},1\n`);

    const file = await loadGoldLabels(store);

    expect(file?.etag).toBe(etag);
    expect([...(file?.labels ?? [])]).toEqual([[A, 1]]);
  });

  it('rejects bytes that are not UTF-8', async () => {
    const store = new MemoryStore();
    await store.put(GOLD_LABELS_KEY, new Uint8Array([0xff, 0xfe, 0x00]));

    await expect(loadGoldLabels(store)).rejects.toThrow(GoldFileFormatError);
  });
});
