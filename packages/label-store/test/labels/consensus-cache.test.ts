import { describe, expect, it } from 'vitest';

import { ConsensusCache } from '../../src/labels/consensus-cache.js';
import { GoldFileFormatError } from '../../src/labels/gold-file-format-error.js';
import { GOLD_LABELS_KEY } from '../../src/labels/gold-labels.js';
import { LabelFile } from '../../src/labels/label-file.js';
import { MemoryStore } from '../../src/memory-store.js';
import { imageId, newAnswer } from './label-fixtures.js';
import { countingStore } from './store-wrappers.js';

const A = imageId(1);
const B = imageId(2);

function setup(options: { goldCheckIntervalMs?: number; fixedGold?: Map<string, 0 | 1> } = {}) {
  const store = new MemoryStore();
  const labelFile = new LabelFile(store);
  const goldErrors: unknown[] = [];
  let time = 0;
  const cache = new ConsensusCache({
    labelFile,
    goldCheckIntervalMs: options.goldCheckIntervalMs ?? 0,
    fixedGold: options.fixedGold,
    onGoldError: (error) => goldErrors.push(error),
    now: () => time,
  });
  return { store, labelFile, cache, goldErrors, advance: (ms: number) => (time += ms) };
}

describe('ConsensusCache', () => {
  it('computes once per label file version', async () => {
    const { labelFile, cache } = setup();
    await labelFile.append('ana', [newAnswer(1, { image: A, label: 1 })]);

    const first = await cache.current();
    const second = await cache.current();
    await labelFile.append('bo', [newAnswer(2, { image: A, label: 1 })]);
    const third = await cache.current();

    expect(second).toBe(first);
    expect(third.result.images[0]?.answers).toBe(2);
    expect(cache.stats).toEqual({ reads: 3, computations: 2 });
  });

  it('concurrent calls share one computation', async () => {
    const { labelFile, cache } = setup();
    await labelFile.append('ana', [newAnswer(1, { image: A, label: 1 })]);

    const versions = await Promise.all([cache.current(), cache.current(), cache.current()]);

    expect(new Set(versions).size).toBe(1);
    expect(cache.stats.computations).toBe(1);
  });

  it('missing label file gives an empty consensus', async () => {
    const { cache } = setup();

    const version = await cache.current();

    expect(version.labelEtag).toBeUndefined();
    expect(version.result.images).toEqual([]);
  });

  it('gold file and fixed gold are merged, the file winning', async () => {
    const { store, labelFile, cache } = setup({ fixedGold: new Map<string, 0 | 1>([[A, 0], [B, 1]]) });
    await labelFile.append('ana', [newAnswer(1, { image: A, label: 1 }), newAnswer(2, { image: B, label: 1 })]);
    await store.put(GOLD_LABELS_KEY, `image,label\n${A},1\n`);

    const version = await cache.current();

    expect([...version.gold]).toEqual([[A, 1], [B, 1]]);
    expect(version.result.annotators[0]).toMatchObject({ goldAnswers: 2, goldAccuracy: 1 });
  });

  it('a new gold file computes again', async () => {
    const { store, labelFile, cache } = setup();
    await labelFile.append('ana', [newAnswer(1, { image: A, label: 1 })]);
    await cache.current();

    await store.put(GOLD_LABELS_KEY, `image,label\n${A},0\n`);
    const version = await cache.current();

    expect(version.image(A)?.label).toBe(0);
    expect(cache.stats.computations).toBe(2);
  });

  it('gold file is checked at most once per interval', async () => {
    const store = new MemoryStore();
    const counted = countingStore(store);
    const labelFile = new LabelFile(counted.store);
    let time = 0;
    const cache = new ConsensusCache({ labelFile, goldCheckIntervalMs: 1_000, now: () => time });

    await cache.current();
    await cache.current();
    time += 999;
    await cache.current();
    const headsBefore = counted.counts.head;
    time += 1;
    await cache.current();

    // Each call heads the label file; the gold file was headed on the first call and after 1 s.
    expect(counted.counts.head - headsBefore).toBe(2);
  });

  it('a malformed gold file is reported once and ignored', async () => {
    const { store, labelFile, cache, goldErrors } = setup({ fixedGold: new Map<string, 0 | 1>([[B, 1]]) });
    await labelFile.append('ana', [newAnswer(1, { image: A, label: 1 })]);
    await store.put(GOLD_LABELS_KEY, 'image,label\nnot-an-id,1\n');

    const version = await cache.current();
    await cache.current();

    expect(goldErrors).toHaveLength(1);
    expect(goldErrors[0]).toBeInstanceOf(GoldFileFormatError);
    expect([...version.gold]).toEqual([[B, 1]]);
  });

  it.each([
    { case: 'an image needing labels', id: A, expected: true },
    { case: 'a settled image', id: B, expected: false },
    { case: 'an image without votes', id: imageId(3), expected: true },
    { case: 'a gold image without votes', id: imageId(4), expected: false },
  ])('needsMoreLabels for $case is $expected', async ({ id, expected }) => {
    const { labelFile, cache } = setup({ fixedGold: new Map<string, 0 | 1>([[imageId(4), 1]]) });
    await labelFile.append('ana', [newAnswer(1, { image: A, label: 1 }), newAnswer(2, { image: B, label: 0 })]);
    await labelFile.append('bo', [newAnswer(3, { image: B, label: 0 })]);
    await labelFile.append('cy', [newAnswer(4, { image: B, label: 0 })]);

    const version = await cache.current();

    expect(version.needsMoreLabels(id)).toBe(expected);
  });

  it('rejects a negative gold check interval', () => {
    expect(() => new ConsensusCache({ labelFile: new LabelFile(new MemoryStore()), goldCheckIntervalMs: -1 })).toThrow(
      expect.objectContaining({ argument: 'goldCheckIntervalMs' }),
    );
  });
});
