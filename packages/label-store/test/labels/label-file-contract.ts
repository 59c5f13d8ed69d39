import { beforeEach, describe, expect, it } from 'vitest';

import { LabelAppendError } from '../../src/labels/label-append-error.js';
import { formatLabelRow, LABEL_CSV_HEADER } from '../../src/labels/label-csv.js';
import { LabelFile } from '../../src/labels/label-file.js';
import { LabelInputError } from '../../src/labels/label-input-error.js';
import type { ObjectStore } from '../../src/object-store.js';
import { answerId, caught, newAnswer, text } from './label-fixtures.js';
import { alwaysConflictingStore, storeWithPutHook } from './store-wrappers.js';

const KEY = 'labels/labels.csv';
const TIME = '2026-05-01T12:00:00.000Z';
const now = () => new Date(TIME);

/** Row text that `append(annotator, [newAnswer(n)])` writes with the fixed clock. */
function expectedRow(n: number, annotator: string): string {
  return formatLabelRow({ ...newAnswer(n), annotator, labeledAt: TIME });
}

/**
 * Defines the behaviour of LabelFile that must hold on every backend. `makeStore` is called
 * before each test and must return an empty store.
 */
export function describeLabelFileContract(name: string, makeStore: () => ObjectStore | Promise<ObjectStore>): void {
  describe(`${name} LabelFile contract`, () => {
    let store: ObjectStore;

    beforeEach(async () => {
      store = await makeStore();
    });

    it('append creates file with header', async () => {
      const file = new LabelFile(store, { now });

      const result = await file.append('alice', [newAnswer(1), newAnswer(2)]);

      expect(result).toEqual({ recorded: 2, duplicates: 0 });
      const stored = await store.get(KEY);
      expect(text(stored?.body)).toBe(LABEL_CSV_HEADER + expectedRow(1, 'alice') + expectedRow(2, 'alice'));
      expect(stored?.contentType).toBe('text/csv; charset=utf-8');
    });

    it('append keeps earlier rows', async () => {
      const file = new LabelFile(store, { now });
      await file.append('alice', [newAnswer(1)]);
      const before = text((await store.get(KEY))?.body) ?? '';

      await file.append('名前, "x"', [newAnswer(2), newAnswer(3)]);

      const after = text((await store.get(KEY))?.body) ?? '';
      expect(after.startsWith(before)).toBe(true);
      expect(after.slice(before.length)).toBe(expectedRow(2, '名前, "x"') + expectedRow(3, '名前, "x"'));
    });

    it('readAnswers from fresh instance', async () => {
      await new LabelFile(store, { now }).append('bob', [newAnswer(4), newAnswer(5)]);

      const answers = await new LabelFile(store).readAnswers();

      expect(answers).toEqual([
        { ...newAnswer(4), annotator: 'bob', labeledAt: TIME },
        { ...newAnswer(5), annotator: 'bob', labeledAt: TIME },
      ]);
    });

    it('readAnswers of missing file is empty', async () => {
      expect(await new LabelFile(store).readAnswers()).toEqual([]);
    });

    it('duplicate answer id written once', async () => {
      const file = new LabelFile(store, { now });
      await file.append('alice', [newAnswer(1), newAnswer(2)]);

      const again = await file.append('alice', [newAnswer(2), newAnswer(3)]);

      expect(again).toEqual({ recorded: 2, duplicates: 1 });
      expect((await file.readAnswers()).map((answer) => answer.answerId)).toEqual([answerId(1), answerId(2), answerId(3)]);
      expect(file.stats).toMatchObject({ writes: 2, rowsWritten: 3, duplicates: 1 });
    });

    it('resent request from other instance', async () => {
      await new LabelFile(store, { now }).append('alice', [newAnswer(1)]);

      const resent = await new LabelFile(store, { now }).append('alice', [newAnswer(1)]);

      expect(resent).toEqual({ recorded: 1, duplicates: 1 });
      expect(await new LabelFile(store).readAnswers()).toHaveLength(1);
    });

    it('reused answer id rejected', async () => {
      const file = new LabelFile(store, { now });
      await file.append('alice', [newAnswer(1)]);
      const before = text((await store.get(KEY))?.body);

      const [reused, other] = await Promise.allSettled([
        file.append('alice', [newAnswer(7), { ...newAnswer(1), label: newAnswer(1).label === 1 ? 0 : 1 }]),
        file.append('carol', [newAnswer(5)]),
      ]);

      expect(reused.status).toBe('rejected');
      const error = (reused as PromiseRejectedResult).reason as LabelInputError;
      expect(error).toBeInstanceOf(LabelInputError);
      expect(error).toMatchObject({ code: 'ANSWER_ID_REUSED', field: 'answers[1].answerId' });
      expect(error.details.recorded).toEqual({ image: newAnswer(1).image, label: newAnswer(1).label, annotator: 'alice' });
      expect(other).toEqual({ status: 'fulfilled', value: { recorded: 1, duplicates: 0 } });
      expect(text((await store.get(KEY))?.body)).toBe(before + expectedRow(5, 'carol'));
    });

    it('reused answer id by other annotator', async () => {
      const file = new LabelFile(store, { now });
      await file.append('alice', [newAnswer(1)]);

      const error = await caught(() => file.append('bob', [newAnswer(1)]));

      expect(error).toMatchObject({ code: 'ANSWER_ID_REUSED' });
    });

    it('same answer twice in one batch', async () => {
      const file = new LabelFile(store, { now });

      const results = await Promise.all([file.append('alice', [newAnswer(1)]), file.append('alice', [newAnswer(1)])]);

      expect(results).toEqual([
        { recorded: 1, duplicates: 0 },
        { recorded: 1, duplicates: 1 },
      ]);
      expect(await file.readAnswers()).toHaveLength(1);
    });

    it('concurrent appends are batched', async () => {
      const file = new LabelFile(store, { now });

      const results = await Promise.all(
        Array.from({ length: 50 }, (_, index) => file.append(`annotator ${index % 7}`, [newAnswer(index)])),
      );

      expect(results.every((result) => result.recorded === 1 && result.duplicates === 0)).toBe(true);
      expect(file.stats.appendCalls).toBe(50);
      expect(file.stats.writes).toBeLessThanOrEqual(5);
      const ids = (await new LabelFile(store).readAnswers()).map((answer) => answer.answerId);
      expect(ids).toHaveLength(50);
      expect(new Set(ids).size).toBe(50);
    });

    it('second writer conflict is retried', async () => {
      const other = new LabelFile(store, { now });
      await other.append('bob', [newAnswer(1)]);
      // Just before this file's first put, the other writer appends, so the put's ETag is stale.
      const racing = storeWithPutHook(store, async (putNumber) => {
        if (putNumber === 1) await other.append('bob', [newAnswer(2)]);
      });
      const file = new LabelFile(racing, { now, baseDelayMs: 1, maxDelayMs: 5 });

      const result = await file.append('alice', [newAnswer(3)]);

      expect(result).toEqual({ recorded: 1, duplicates: 0 });
      expect(file.stats.conflicts).toBe(1);
      expect(file.stats.retries).toBe(1);
      expect(file.stats.writes).toBe(1);
      expect(text((await store.get(KEY))?.body)).toBe(
        LABEL_CSV_HEADER + expectedRow(1, 'bob') + expectedRow(2, 'bob') + expectedRow(3, 'alice'),
      );
    });

    it('first creation conflict is retried', async () => {
      const other = new LabelFile(store, { now });
      const racing = storeWithPutHook(store, async (putNumber) => {
        if (putNumber === 1) await other.append('bob', [newAnswer(1)]);
      });
      const file = new LabelFile(racing, { now, baseDelayMs: 1, maxDelayMs: 5 });

      await file.append('alice', [newAnswer(2)]);

      expect(file.stats.conflicts).toBe(1);
      expect(text((await store.get(KEY))?.body)).toBe(LABEL_CSV_HEADER + expectedRow(1, 'bob') + expectedRow(2, 'alice'));
    });

    // A unit test of the retry logic: the wrapper makes every put fail with a precondition
    // error, which no real server does for long.
    it('conflict bounds raise LabelAppendError', async () => {
      await new LabelFile(store, { now }).append('bob', [newAnswer(1)]);
      const file = new LabelFile(alwaysConflictingStore(store), { maxAttempts: 8, baseDelayMs: 1, maxDelayMs: 2 });

      const error = await caught(() => file.append('alice', [newAnswer(2)]));

      expect(error).toBeInstanceOf(LabelAppendError);
      expect(error).toMatchObject({ code: 'LABEL_APPEND_CONFLICT', key: KEY, attempts: 8, conflicts: 8 });
      expect((error as Error).message).toMatch(
        /^label file append failed after 8 conflicting writes on labels\/labels\.csv in \S+ \(\d+ ms; limits 8 attempts, 30000 ms\); another writer kept changing it/,
      );
      expect(file.stats).toMatchObject({ conflicts: 8, retries: 7, failures: 1, writes: 0 });
      expect(await new LabelFile(store).readAnswers()).toHaveLength(1);
    });
  });
}
