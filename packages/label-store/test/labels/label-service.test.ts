import { describe, expect, it } from 'vitest';

import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
import { LabelFile } from '../../src/labels/label-file.js';
import { LabelInputError } from '../../src/labels/label-input-error.js';
import { LabelService } from '../../src/labels/label-service.js';
import { MemoryStore } from '../../src/memory-store.js';
import { caught, imageId, newAnswer } from './label-fixtures.js';

const knownImages = new Set([imageId(0), imageId(1), imageId(2), imageId(3), imageId(4)]);

function service(imageExists: (id: string) => boolean | Promise<boolean> = (id) => knownImages.has(id)) {
  return new LabelService({ store: new MemoryStore(), imageExists });
}

describe('LabelService', () => {
  it('records and summarizes', async () => {
    const labels = service();

    await labels.record('alice', [newAnswer(1), newAnswer(2)]);
    await labels.record('bob', [newAnswer(3, { image: imageId(1), label: 1 })]);

    const summary = await labels.summary();
    expect(summary.overall).toEqual({ answers: 3, images: 2, annotators: 2, agreement: 2 / 3 });
    expect((await labels.answers()).map((answer) => answer.annotator)).toEqual(['alice', 'alice', 'bob']);
  });

  it('returns append result', async () => {
    const labels = service();
    await labels.record('alice', [newAnswer(1)]);

    await expect(labels.record('alice', [newAnswer(1), newAnswer(2)])).resolves.toEqual({ recorded: 2, duplicates: 1 });
  });

  it.each([
    ['annotator not a string', 42, [newAnswer(1)], 'INVALID_ANNOTATOR', 'annotator'],
    ['formula annotator', '@x', [newAnswer(1)], 'INVALID_ANNOTATOR', 'annotator'],
    ['answers not a list', 'alice', 'x', 'INVALID_ANSWERS', 'answers'],
    ['label string', 'alice', [{ ...newAnswer(1), label: '1' }], 'INVALID_LABEL', 'answers[0].label'],
    ['unknown image', 'alice', [newAnswer(1), newAnswer(2, { image: 'f'.repeat(64) })], 'UNKNOWN_IMAGE', 'answers[1].image'],
  ])('rejects %s', async (_case, annotator, answers, code, field) => {
    const error = await caught(() => service().record(annotator, answers));

    expect(error).toBeInstanceOf(LabelInputError);
    expect(error).toMatchObject({ code, field });
  });

  it('unknown image message names it', async () => {
    const error = (await caught(() => service().record('alice', [newAnswer(1, { image: 'f'.repeat(64) })]))) as LabelInputError;

    expect(error.message).toContain(`answers[0].image ${'f'.repeat(64)} is not a stored image`);
    expect(error.details).toEqual({ value: 'f'.repeat(64), index: 0 });
  });

  it('awaits async imageExists once per image', async () => {
    const requested: string[] = [];
    const labels = service(async (id) => {
      requested.push(id);
      return knownImages.has(id);
    });

    await labels.record('alice', [newAnswer(1), newAnswer(6), newAnswer(11)]);

    expect(requested).toEqual([imageId(1)]);
  });

  it('nothing written for unknown image', async () => {
    const labels = service();

    await caught(() => labels.record('alice', [newAnswer(1), newAnswer(2, { image: 'f'.repeat(64) })]));

    expect(await labels.answers()).toEqual([]);
  });

  it('applies maxAnswers', async () => {
    const labels = new LabelService({ store: new MemoryStore(), imageExists: () => true, maxAnswers: 1 });

    await expect(labels.record('alice', [newAnswer(1), newAnswer(2)])).rejects.toMatchObject({ code: 'INVALID_ANSWERS' });
  });

  it('uses the given label file', async () => {
    const store = new MemoryStore();
    const labelFile = new LabelFile(store, { key: 'other/labels.csv' });
    const labels = new LabelService({ store, labelFile, imageExists: () => true });

    await labels.record('alice', [newAnswer(1)]);

    expect(await store.head('other/labels.csv')).toBeDefined();
    expect(labels.labelFile).toBe(labelFile);
  });

  it.each([
    ['label file on other store', () => ({ store: new MemoryStore(), labelFile: new LabelFile(new MemoryStore()), imageExists: () => true })],
    ['imageExists missing', () => ({ store: new MemoryStore(), imageExists: undefined as unknown as () => boolean })],
    ['maxAnswers 0', () => ({ store: new MemoryStore(), imageExists: () => true, maxAnswers: 0 })],
  ])('rejects %s', (_case, makeOptions) => {
    expect(() => new LabelService(makeOptions())).toThrow(InvalidArgumentError);
  });
});
