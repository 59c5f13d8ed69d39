import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore, type ObjectStore, type PutOptions } from '@hotdog-lab/label-store';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SpoolLockedError } from '../src/spool/spool-lock.js';
import { TransactionSpool } from '../src/spool/transaction-spool.js';
import type { StatsTransaction } from '../src/transaction-log-record.js';
import { TransactionLogWriter } from '../src/transaction-log-writer.js';

const logger = pino({ level: 'silent' });
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hotdog-spool-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function transaction(index: number): StatsTransaction {
  return {
    requestId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    receivedAt: new Date(Date.UTC(2026, 11, 4, 20, 0, 0, index)),
    clientAddress: '127.0.0.1',
    status: 200,
    numbers: [index + 1],
    result: { count: 1, min: index + 1, max: index + 1, mean: index + 1, median: index + 1 },
    handlingMs: 0.5,
  };
}

async function logKeys(store: ObjectStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of store.list('logs/stats/')) keys.push(info.key);
  return keys;
}

/** A store whose puts wait for `open()`. */
class GatedStore extends MemoryStore {
  #open!: () => void;
  readonly #gate = new Promise<void>((resolve) => (this.#open = resolve));
  open(): void {
    this.#open();
  }
  override async put(key: string, body: Uint8Array | string, options?: PutOptions) {
    await this.#gate;
    return super.put(key, body, options);
  }
}

describe('TransactionSpool', () => {
  it('hands each running worker its own slot', () => {
    const first = TransactionSpool.open(dir, logger);
    const second = TransactionSpool.open(dir, logger);

    expect(first.dir).toBe(join(dir, '0'));
    expect(second.dir).toBe(join(dir, '1'));
    void first.close();
    void second.close();
  });

  it('deletes a finished segment once every line is done', async () => {
    const spool = TransactionSpool.open(dir, logger, { maxSegmentBytes: 64 });
    const first = spool.append('R', '{"a":1}'.padEnd(60, ' '));
    spool.append('R', '{"a":2}'.padEnd(60, ' '));

    spool.markDone(first);
    await spool.sync();
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect((await readdir(spool.dir)).filter((name) => name.endsWith('.seg'))).toEqual(['0000000002.seg']);
    await spool.close();
  });

  it('skips a line cut short by a crash', async () => {
    const slot = join(dir, '0');
    await TransactionSpool.open(dir, logger).close();
    await writeFile(join(slot, '0000000001.seg'), 'F {"key":"k","requestId":"r","body":"b"}\nF {"key":"cut');

    const spool = TransactionSpool.open(dir, logger);
    const contents = await spool.readSegment(1);

    expect(contents.lines).toHaveLength(1);
    expect(contents.damagedLines).toBe(1);
    await spool.close();
  });

  it('refuses a slot held by a live process', async () => {
    const slot = join(dir, '0');
    await TransactionSpool.open(dir, logger).close();
    await writeFile(join(slot, 'worker.lock'), `${process.ppid}\n`);

    const spool = TransactionSpool.open(dir, logger);

    expect(spool.dir).toBe(join(dir, '1'));
    expect(new SpoolLockedError(slot, 1).code).toBe('SPOOL_LOCKED');
    await spool.close();
  });
});

describe('TransactionLogWriter with a spool', () => {
  it('uploads records left by an earlier process once', async () => {
    const store = new MemoryStore();
    const earlierSpool = TransactionSpool.open(dir, logger);
    const earlier = new TransactionLogWriter(new GatedStore(), logger, { spool: earlierSpool });
    const tickets = [0, 1, 2].map((index) => earlier.spoolTransaction(transaction(index)));
    // The first record was uploaded before the process ended, but its done mark was not saved.
    await store.put(tickets[0]!.key, 'uploaded before the crash', { ifNoneMatch: '*' });
    await earlierSpool.close();

    const restarted = new TransactionLogWriter(store, logger, { spool: TransactionSpool.open(dir, logger) });
    restarted.start();

    expect(await restarted.drain(5_000)).toBe(true);
    expect(await logKeys(store)).toHaveLength(3);
    expect(restarted.stats).toMatchObject({ recovered: 3, written: 3 });
    const recovered = new TextDecoder().decode((await store.get(tickets[1]!.key))!.body);
    expect(recovered).toContain('response_completed: unknown');
    await restarted.close();
  });

  it('spills past maxBacklog and uploads the spilled records later', async () => {
    const store = new GatedStore();
    const writer = new TransactionLogWriter(store, logger, { spool: TransactionSpool.open(dir, logger), maxBacklog: 4, concurrency: 2 });

    for (let index = 0; index < 20; index += 1) {
      const done = { ...transaction(index), responseCompleted: true };
      writer.submit(writer.spoolTransaction(done), done);
    }
    expect(writer.pendingCount).toBe(4);
    expect(writer.stats.spilled).toBe(16);
    store.open();

    expect(await writer.drain(5_000)).toBe(true);
    expect(await logKeys(store)).toHaveLength(20);
    expect(writer.stats).toMatchObject({ written: 20, dropped: 0 });
    await writer.close();
    expect((await readdir(join(dir, '0'))).filter((name) => name.endsWith('.seg'))).toEqual([]);
  });

  it('keeps retrying while the store fails', async () => {
    let failures = 5;
    const store = new MemoryStore();
    const flaky: ObjectStore = Object.assign(Object.create(store) as ObjectStore, {
      put: async (key: string, body: string, options?: PutOptions) => {
        if (failures-- > 0) throw new Error('injected failure');
        return store.put(key, body, options);
      },
    });
    const writer = new TransactionLogWriter(flaky, logger, { spool: TransactionSpool.open(dir, logger), maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 });

    const done = { ...transaction(1), responseCompleted: true };
    writer.submit(writer.spoolTransaction(done), done);

    expect(await writer.drain(5_000)).toBe(true);
    expect(writer.stats).toMatchObject({ written: 1, failed: 0, retries: 5 });
    await writer.close();
  });
});
