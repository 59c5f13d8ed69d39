import { describe, expect, it, vi } from 'vitest';

import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
import { InvalidKeyError } from '../../src/errors/invalid-key-error.js';
import { StorageError } from '../../src/errors/storage-error.js';
import { backoffDelayMs, MAX_STORAGE_FAILURES, resolveRetryPolicy } from '../../src/labels/append-retry.js';
import { LabelAppendError } from '../../src/labels/label-append-error.js';
import { formatLabelRow, LABEL_CSV_HEADER } from '../../src/labels/label-csv.js';
import { type AppendRetryInfo, LabelFile, MAX_BATCH_ANSWERS } from '../../src/labels/label-file.js';
import { LabelFileFormatError } from '../../src/labels/label-file-format-error.js';
import { LabelInputError } from '../../src/labels/label-input-error.js';
import { MemoryStore } from '../../src/memory-store.js';
import type { PutOptions } from '../../src/object-store.js';
import { answerId, caught, newAnswer, text } from './label-fixtures.js';
import { alwaysConflictingStore, countingStore, storeWithPutHook, wrapStore } from './store-wrappers.js';

// Unit tests of LabelFile on the memory store, with wrappers that inject failures. The shared
// behaviour on every backend is in label-file-contract.ts.

const KEY = 'labels/labels.csv';
const TIME = '2026-05-01T12:00:00.000Z';
const now = () => new Date(TIME);
const fast = { baseDelayMs: 1, maxDelayMs: 2 };

/** Wraps a store so that its first `failures` puts fail with a StorageError, as a network failure would. */
function failingStore(store: MemoryStore, failures: number) {
  let puts = 0;
  return wrapStore(store, {
    put: async (key: string, body: Uint8Array | string, options?: PutOptions) => {
      puts += 1;
      if (puts <= failures) throw new StorageError('put', key, `put of ${key} failed: connection reset`);
      return store.put(key, body, options);
    },
  });
}

describe('LabelFile retries', () => {
  it('storage error then success', async () => {
    const retries: AppendRetryInfo[] = [];
    const file = new LabelFile(failingStore(new MemoryStore(), 1), { ...fast, onRetry: (info) => retries.push(info) });

    await expect(file.append('alice', [newAnswer(1)])).resolves.toEqual({ recorded: 1, duplicates: 0 });

    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ key: KEY, attempt: 1, reason: 'storage', calls: 1 });
    expect(retries[0]?.error).toBeInstanceOf(StorageError);
    expect(file.stats).toMatchObject({ retries: 1, conflicts: 0, writes: 1, failures: 0 });
  });

  it('storage errors exhausted', async () => {
    const file = new LabelFile(failingStore(new MemoryStore(), 100), fast);

    const error = await caught(() => file.append('alice', [newAnswer(1)]));

    expect(error).toBeInstanceOf(LabelAppendError);
    expect(error).toMatchObject({ code: 'LABEL_STORAGE_FAILED', key: KEY, attempts: MAX_STORAGE_FAILURES, conflicts: 0 });
    expect((error as Error).cause).toBeInstanceOf(StorageError);
    expect((error as Error).message).toContain('connection reset');
    expect((error as Error).message).toContain('check that the store is reachable');
    expect(file.stats.failures).toBe(1);
  });

  it('time bound ends retries', async () => {
    const file = new LabelFile(alwaysConflictingStore(new MemoryStore()), {
      maxAttempts: 1_000,
      maxDurationMs: 100,
      baseDelayMs: 20,
      maxDelayMs: 20,
      random: () => 1,
    });

    const error = await caught(() => file.append('alice', [newAnswer(1)]));

    expect(error).toMatchObject({ code: 'LABEL_APPEND_CONFLICT' });
    // With 20 ms between attempts, a 100 ms bound stops after a handful of the 1,000 allowed.
    expect((error as LabelAppendError).attempts).toBeGreaterThan(1);
    expect((error as LabelAppendError).attempts).toBeLessThan(10);
    expect((error as LabelAppendError).elapsedMs).toBeLessThanOrEqual(100);
  });

  it('backoff delays reach onRetry', async () => {
    const delays: number[] = [];
    const file = new LabelFile(alwaysConflictingStore(new MemoryStore()), {
      maxAttempts: 5,
      baseDelayMs: 2,
      maxDelayMs: 6,
      random: () => 0.5,
      onRetry: (info) => delays.push(info.delayMs),
    });

    await caught(() => file.append('alice', [newAnswer(1)]));

    expect(delays).toEqual([1, 2, 3, 3]);
  });

  it('malformed file is not retried', async () => {
    const memory = new MemoryStore();
    await memory.put(KEY, 'not,a,label,file\r\n');
    const { store, counts } = countingStore(memory);
    const file = new LabelFile(store, fast);

    const error = await caught(() => file.append('alice', [newAnswer(1)]));

    expect(error).toBeInstanceOf(LabelFileFormatError);
    expect(error).toMatchObject({ line: 1 });
    expect(counts.put).toBe(0);
    expect(file.stats).toMatchObject({ retries: 0, failures: 1 });
  });

  it('throwing onRetry rejects the batch', async () => {
    const file = new LabelFile(alwaysConflictingStore(new MemoryStore()), {
      ...fast,
      onRetry: () => {
        throw new Error('hook failed');
      },
    });

    await expect(file.append('alice', [newAnswer(1)])).rejects.toThrow('hook failed');
    await expect(file.append('alice', [newAnswer(2)])).rejects.toThrow('hook failed');
  });
});

describe('LabelFile batching', () => {
  it('calls during a write join the next', async () => {
    const memory = new MemoryStore();
    let releaseFirstPut = () => {};
    const firstPutHeld = new Promise<void>((resolve) => {
      releaseFirstPut = resolve;
    });
    const events: string[] = [];
    const store = storeWithPutHook(memory, async (putNumber) => {
      events.push(`put ${putNumber}`);
      if (putNumber === 1) await firstPutHeld;
    });
    const file = new LabelFile(store, { now });

    const first = file.append('alice', [newAnswer(0)]).then(() => events.push('first settled'));
    await vi.waitFor(() => expect(events).toContain('put 1'));
    const later = Array.from({ length: 10 }, (_, index) =>
      file.append('bob', [newAnswer(index + 1)]).then(() => events.push('later settled')),
    );
    releaseFirstPut();
    await Promise.all([first, ...later]);

    expect(file.stats.writes).toBe(2);
    expect(events.slice(0, 3)).toEqual(['put 1', 'first settled', 'put 2']);
    expect(events.filter((event) => event === 'later settled')).toHaveLength(10);
    expect(await file.readAnswers()).toHaveLength(11);
  });

  it('batch holds at most MAX_BATCH_ANSWERS', async () => {
    const file = new LabelFile(new MemoryStore(), { now });
    const callSize = 2_000;

    await Promise.all(
      Array.from({ length: 3 }, (_, call) =>
        file.append(
          `annotator ${call}`,
          Array.from({ length: callSize }, (_, index) => newAnswer(call * callSize + index)),
        ),
      ),
    );

    expect(MAX_BATCH_ANSWERS).toBe(5_000);
    expect(file.stats.writes).toBe(2);
    expect(file.stats.rowsWritten).toBe(6_000);
  });

  it('rejects a call over the batch cap', async () => {
    const file = new LabelFile(new MemoryStore());
    const answers = Array.from({ length: MAX_BATCH_ANSWERS + 1 }, (_, index) => newAnswer(index));

    await expect(file.append('alice', answers)).rejects.toMatchObject({ code: 'INVALID_ANSWERS' });
  });

  it('rejects invalid input before writing', async () => {
    const { store, counts } = countingStore(new MemoryStore());
    const file = new LabelFile(store);

    await expect(file.append('=cmd', [newAnswer(1)])).rejects.toBeInstanceOf(LabelInputError);
    await expect(file.append('alice', [{ ...newAnswer(1), label: 2 as 0 }])).rejects.toMatchObject({ code: 'INVALID_LABEL' });
    expect(counts.put).toBe(0);
    expect(file.stats.appendCalls).toBe(2);
  });

  it('stores answer ids in lower case', async () => {
    const file = new LabelFile(new MemoryStore());
    const upper = 'ABCDEF00-0000-4000-8000-000000000001';

    await file.append('alice', [newAnswer(1, { answerId: upper })]);
    const resent = await file.append('alice', [newAnswer(1, { answerId: upper.toLowerCase() })]);

    expect(resent.duplicates).toBe(1);
    expect((await file.readAnswers())[0]?.answerId).toBe(upper.toLowerCase());
  });
});

describe('LabelFile cache', () => {
  it('uses head while unchanged', async () => {
    const { store, counts } = countingStore(new MemoryStore());
    const file = new LabelFile(store);

    await file.append('alice', [newAnswer(1)]);
    expect(counts).toEqual({ get: 1, head: 0, put: 1 });

    await file.append('alice', [newAnswer(2)]);
    await file.readAnswers();
    await file.readAnswers();
    expect(counts).toEqual({ get: 1, head: 3, put: 2 });
  });

  it('reads again after another writer', async () => {
    const memory = new MemoryStore();
    const { store, counts } = countingStore(memory);
    const file = new LabelFile(store);
    await file.append('alice', [newAnswer(1)]);

    await new LabelFile(memory).append('bob', [newAnswer(2)]);
    const answers = await file.readAnswers();

    expect(answers.map((answer) => answer.annotator)).toEqual(['alice', 'bob']);
    expect(counts.get).toBe(2);
  });

  it('readAnswers returns a copy', async () => {
    const file = new LabelFile(new MemoryStore());
    await file.append('alice', [newAnswer(1)]);

    const first = await file.readAnswers();
    first.pop();

    expect(await file.readAnswers()).toHaveLength(1);
  });

  it('deleted file reads as empty', async () => {
    const memory = new MemoryStore();
    const file = new LabelFile(memory);
    await file.append('alice', [newAnswer(1)]);

    await memory.delete(KEY);

    expect(await file.readAnswers()).toEqual([]);
    await file.append('alice', [newAnswer(1)]);
    expect(text((await memory.get(KEY))?.body)?.startsWith(LABEL_CSV_HEADER)).toBe(true);
  });
});

describe('LabelFile existing files', () => {
  const row = (n: number) => formatLabelRow({ ...newAnswer(n), annotator: 'old', labeledAt: TIME });

  it.each([
    ['without final line break', LABEL_CSV_HEADER + row(1).slice(0, -2), LABEL_CSV_HEADER + row(1)],
    ['with LF line ends', (LABEL_CSV_HEADER + row(1)).replaceAll('\r\n', '\n'), (LABEL_CSV_HEADER + row(1)).replaceAll('\r\n', '\n')],
    ['empty', '', LABEL_CSV_HEADER],
  ])('appends to a file %s', async (_case, existing, expectedPrefix) => {
    const memory = new MemoryStore();
    await memory.put(KEY, existing);
    const file = new LabelFile(memory, { now });

    await file.append('new', [newAnswer(2)]);

    const stored = text((await memory.get(KEY))?.body);
    expect(stored).toBe(expectedPrefix + formatLabelRow({ ...newAnswer(2), annotator: 'new', labeledAt: TIME }));
    const fresh = await new LabelFile(memory).readAnswers();
    expect(fresh.at(-1)?.answerId).toBe(answerId(2));
  });

  it('labeled_at comes from now', async () => {
    const file = new LabelFile(new MemoryStore(), { now: () => new Date(Date.UTC(2030, 0, 2, 3, 4, 5, 6)) });

    await file.append('alice', [newAnswer(1)]);

    expect((await file.readAnswers())[0]?.labeledAt).toBe('2030-01-02T03:04:05.006Z');
  });

  it('custom key', async () => {
    const memory = new MemoryStore();
    const file = new LabelFile(memory, { key: 'team-a/answers.csv' });

    await file.append('alice', [newAnswer(1)]);

    expect(await memory.head('team-a/answers.csv')).toBeDefined();
    expect(await memory.head(KEY)).toBeUndefined();
  });
});

describe('LabelFile options', () => {
  it.each([
    ['maxAttempts 0', { maxAttempts: 0 }, 'maxAttempts'],
    ['maxAttempts 1.5', { maxAttempts: 1.5 }, 'maxAttempts'],
    ['negative maxDurationMs', { maxDurationMs: -1 }, 'maxDurationMs'],
    ['NaN baseDelayMs', { baseDelayMs: Number.NaN }, 'baseDelayMs'],
    ['maxDelayMs below baseDelayMs', { baseDelayMs: 50, maxDelayMs: 10 }, 'maxDelayMs'],
    ['random not a function', { random: 0.5 as unknown as () => number }, 'random'],
    ['now not a function', { now: 'today' as unknown as () => Date }, 'now'],
  ])('rejects %s', (_case, options, argument) => {
    let error: unknown;
    try {
      new LabelFile(new MemoryStore(), options);
    } catch (caughtError) {
      error = caughtError;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ argument });
  });

  it('rejects an invalid key', () => {
    expect(() => new LabelFile(new MemoryStore(), { key: '../labels.csv' })).toThrow(InvalidKeyError);
  });
});

describe('backoffDelayMs', () => {
  const policy = resolveRetryPolicy({ baseDelayMs: 10, maxDelayMs: 100, random: () => 0.999 });

  it.each([
    [1, 10],
    [2, 20],
    [3, 40],
    [4, 80],
    [5, 100],
    [60, 100],
  ])('attempt %i caps at %i ms', (attempt, cap) => {
    expect(backoffDelayMs(policy, attempt)).toBe(Math.round(cap * 0.999));
  });

  it.each([
    ['zero', 0, 0],
    ['negative', -1, 0],
    ['above one', 7, 10],
  ])('clamps %s random', (_case, random, expected) => {
    expect(backoffDelayMs(resolveRetryPolicy({ baseDelayMs: 10, maxDelayMs: 10, random: () => random }), 1)).toBe(expected);
  });
});
