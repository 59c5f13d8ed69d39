import { MemoryStore, type PutOptions, type PutResult } from '@hotdog-lab/label-store';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/config.js';
import { startWorker, type Worker } from '../src/worker.js';

/** A memory store whose puts wait until the test opens the gate. */
class GatedStore extends MemoryStore {
  startedPuts = 0;
  #open!: () => void;
  readonly #gate = new Promise<void>((resolve) => {
    this.#open = resolve;
  });

  open(): void {
    this.#open();
  }

  override async put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<PutResult> {
    this.startedPuts += 1;
    await this.#gate;
    return super.put(key, body, options);
  }
}

describe('stats response and its log write', () => {
  let worker: Worker;
  let store: GatedStore;

  beforeAll(async () => {
    store = new GatedStore();
    worker = await startWorker({ ...DEFAULT_CONFIG, port: 0 }, { store, logger: pino({ level: 'silent' }) });
  });

  afterAll(async () => {
    store.open();
    await worker.close(5_000);
  });

  it('answers while the log write is still blocked', async () => {
    const response = await fetch(`${worker.url}/v1/stats`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"numbers":[3,1,2]}',
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ median: 2 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(store.startedPuts).toBe(1);
    expect(worker.transactionLog.pendingCount).toBe(1);
  });

  it('writes the held log once the store accepts writes', async () => {
    store.open();

    expect(await worker.transactionLog.drain(5_000)).toBe(true);
    const keys: string[] = [];
    for await (const info of store.list('logs/stats/')) {
      keys.push(info.key);
    }
    expect(keys).toHaveLength(1);
  });

  it('waits for pending log writes on close', async () => {
    const gated = new GatedStore();
    const second = await startWorker({ ...DEFAULT_CONFIG, port: 0 }, { store: gated, logger: pino({ level: 'silent' }) });
    await fetch(`${second.url}/v1/stats`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"numbers":[1]}' });
    setTimeout(() => gated.open(), 100);

    expect(await second.close(5_000)).toBe(true);
    expect(second.transactionLog.stats).toMatchObject({ written: 1, pending: 0 });
  });

  it('reports unfinished log writes when close times out', async () => {
    const gated = new GatedStore();
    const third = await startWorker({ ...DEFAULT_CONFIG, port: 0 }, { store: gated, logger: pino({ level: 'silent' }) });
    await fetch(`${third.url}/v1/stats`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"numbers":[1]}' });

    expect(await third.close(100)).toBe(false);
    expect(third.transactionLog.pendingCount).toBe(1);
    gated.open();
  });
});
