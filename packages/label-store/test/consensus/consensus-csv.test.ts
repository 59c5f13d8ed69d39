import { describe, expect, it } from 'vitest';

import { computeConsensus } from '../../src/consensus/compute-consensus.js';
import { formatConsensusCsv } from '../../src/consensus/consensus-csv.js';
import { parseCsv } from '../../src/labels/csv.js';
import { imageId } from './simulate-votes.js';

const HEADER = 'image,label,confidence,votes,hot_dog_votes,not_hot_dog_votes,annotators,needs_more_labels\r\n';

describe('formatConsensusCsv', () => {
  it('no images gives the header only', () => {
    expect(formatConsensusCsv(computeConsensus([]))).toBe(HEADER);
  });

  it('writes one CRLF row per image in id order', () => {
    const [a, b] = [imageId(2), imageId(1)];
    const result = computeConsensus([
      { image: a, annotator: 'ana', label: 1 },
      { image: a, annotator: 'ana', label: 1 },
      { image: a, annotator: 'bo', label: 0 },
      { image: b, annotator: 'bo', label: 0 },
    ]);

    const text = formatConsensusCsv(result);
    const rows = parseCsv(text).map((record) => record.fields);

    expect(text.startsWith(HEADER)).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(rows.map((row) => row[0])).toEqual(['image', b, a]);
    expect(rows[2]?.slice(3)).toEqual(['3', '2', '1', '2', 'true']);
    expect(rows[2]?.[1]).toBe(String(result.images[1]?.label));
    expect(rows[2]?.[2]).toMatch(/^0\.\d{6}$/);
  });

  it('writes a gold confidence as 1.000000', () => {
    const image = imageId(3);
    const result = computeConsensus([{ image, annotator: 'ana', label: 0 }], { gold: new Map([[image, 1]]) });

    expect(formatConsensusCsv(result)).toBe(`${HEADER}${image},1,1.000000,1,0,1,1,false\r\n`);
  });
});
