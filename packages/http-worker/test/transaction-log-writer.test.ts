import { MemoryStore, type ObjectStore, type PutOptions, type PutResult } from '@hotdog-lab/label-store';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { TransactionLogWriter } from '../src/transaction-log-writer.js';

const silentLogger = pino({ level: 'silent' });
const fastRetries = { baseDelayMs: 1, maxDelayMs: 5 };

/** A memory store whose puts fail in a scripted way before reaching the real store. */
class ScriptedStore extends MemoryStore {
  putCalls = 0;

  constructor(private readonly script: (call: number, key: string) => 'fail' | 'store-then-fail' | 'ok') {
    super();
  }

  override async put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<PutResult> {
    this.putCalls += 1;
    const action = this.script(this.putCalls, key);
    if (action === 'fail') {
      throw new Error('injected storage failure');
    }

    const result = await super.put(key, body, options);
    if (action === 'store-then-fail') {
      throw new Error('injected lost response');
    }
    return result;
  }
}

async function listKeys(store: ObjectStore, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of store.list(prefix)) {
    keys.push(info.key);
  }
  return keys;
}

describe('TransactionLogWriter', () => {
  it('writes every queued record', async () => {
    const store = new MemoryStore();
    const writer = new TransactionLogWriter(store, silentLogger, fastRetries);

    for (let i = 0; i < 50; i += 1) {
      writer.enqueue(`logs/${String(i).padStart(3, '0')}.txt`, `record ${i}`, `id-${i}`);
    }

    expect(await writer.drain(5_000)).toBe(true);
    expect(await listKeys(store)).toHaveLength(50);
    expect(writer.stats).toMatchObject({ written: 50, failed: 0, dropped: 0, pending: 0 });
    const stored = await store.get('logs/007.txt');
    expect(new TextDecoder().decode(stored!.body)).toBe('record 7');
  });

  it('retries failed writes until one succeeds', async () => {
    const store = new ScriptedStore((call) => (call <= 3 ? 'fail' : 'ok'));
    const writer = new TransactionLogWriter(store, silentLogger, fastRetries);

    writer.enqueue('logs/a.txt', 'a', 'id-a');

    expect(await writer.drain(5_000)).toBe(true);
    expect(store.putCalls).toBe(4);
    expect(writer.stats).toMatchObject({ written: 1, retries: 3, failed: 0 });
    expect(await listKeys(store)).toEqual(['logs/a.txt']);
  });

  it('counts a retry that finds its own earlier write as written', async () => {
    const store = new ScriptedStore((call) => (call === 1 ? 'store-then-fail' : 'ok'));
    const writer = new TransactionLogWriter(store, silentLogger, fastRetries);

    writer.enqueue('logs/a.txt', 'a', 'id-a');

    expect(await writer.drain(5_000)).toBe(true);
    expect(writer.stats).toMatchObject({ written: 1, retries: 1, failed: 0 });
    expect(await listKeys(store)).toEqual(['logs/a.txt']);
  });

  it('keeps an existing object under the same key on the first attempt', async () => {
    const store = new MemoryStore();
    await store.put('logs/a.txt', 'earlier');
    const writer = new TransactionLogWriter(store, silentLogger, fastRetries);

    writer.enqueue('logs/a.txt', 'later', 'id-a');

    expect(await writer.drain(5_000)).toBe(true);
    expect(writer.stats).toMatchObject({ written: 0, failed: 1 });
    expect(new TextDecoder().decode((await store.get('logs/a.txt'))!.body)).toBe('earlier');
  });

  it('gives up after maxAttempts', async () => {
    const store = new ScriptedStore(() => 'fail');
    const writer = new TransactionLogWriter(store, silentLogger, { ...fastRetries, maxAttempts: 4 });

    writer.enqueue('logs/a.txt', 'a', 'id-a');

    expect(await writer.drain(5_000)).toBe(true);
    expect(store.putCalls).toBe(4);
    expect(writer.stats).toMatchObject({ written: 0, retries: 3, failed: 1, pending: 0 });
  });

  it('drain reports pending records after its timeout', async () => {
    const store = new ScriptedStore(() => 'fail');
    const writer = new TransactionLogWriter(store, silentLogger, { baseDelayMs: 200, maxDelayMs: 200, maxAttempts: 100 });

    writer.enqueue('logs/a.txt', 'a', 'id-a');

    expect(await writer.drain(50)).toBe(false);
    expect(writer.pendingCount).toBe(1);
  });

  it('drops records past maxBacklog and counts them', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const store = new MemoryStore();
    const slowStore: ObjectStore = Object.assign(Object.create(store) as ObjectStore, {
      put: async (key: string, body: Uint8Array | string, options?: PutOptions) => {
        await gate;
        return store.put(key, body, options);
      },
    });
    const writer = new TransactionLogWriter(slowStore, silentLogger, { ...fastRetries, concurrency: 1, maxBacklog: 3 });

    for (let i = 0; i < 5; i += 1) {
      writer.enqueue(`logs/${i}.txt`, 'x', `id-${i}`);
    }
    release();

    expect(await writer.drain(5_000)).toBe(true);
    expect(writer.stats).toMatchObject({ written: 3, dropped: 2 });
  });
});
