import { request as httpRequest } from 'node:http';
import { MemoryStore } from '@hotdog-lab/label-store';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/config.js';
import { startWorker, type Worker } from '../src/worker.js';

let worker: Worker;
let store: MemoryStore;

beforeAll(async () => {
  store = new MemoryStore();
  worker = await startWorker({ ...DEFAULT_CONFIG, port: 0 }, { store, logger: pino({ level: 'silent' }) });
});

afterAll(async () => {
  await worker.close(5_000);
});

async function postStats(body: string, contentType = 'application/json'): Promise<Response> {
  return fetch(`${worker.url}/v1/stats`, { method: 'POST', headers: { 'content-type': contentType }, body });
}

async function logTexts(): Promise<Map<string, string>> {
  await worker.transactionLog.drain(5_000);
  const texts = new Map<string, string>();
  for await (const info of store.list('logs/stats/')) {
    const object = await store.get(info.key);
    texts.set(info.key, new TextDecoder().decode(object!.body));
  }
  return texts;
}

describe('POST /v1/stats (in-process worker, memory store)', () => {
  it.each([
    [[10, 9, 8, 100], { count: 4, min: 8, max: 100, mean: 31.75, median: 9.5 }],
    [[4, 8, 15, 16, 23, 42], { count: 6, min: 4, max: 42, mean: 18, median: 15.5 }],
    [[7], { count: 1, min: 7, max: 7, mean: 7, median: 7 }],
    [[9007199254740991, 9007199254740991], { count: 2, min: 9007199254740991, max: 9007199254740991, mean: 9007199254740991, median: 9007199254740991 }],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { count: 10, min: 1, max: 10, mean: 5.5, median: 5.5 }],
  ])('summarizes %j', async (numbers, expected) => {
    const response = await postStats(JSON.stringify({ numbers }));

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(expected);
  });

  it('sets X-Request-Id to a UUID', async () => {
    const response = await postStats('{"numbers":[1]}');

    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it.each([
    ['{"numbers":["1","2","3"]}', 'NOT_AN_INTEGER', 0],
    ['{"numbers":[null,30,null]}', 'NOT_AN_INTEGER', 0],
    ['{"numbers":[true]}', 'NOT_AN_INTEGER', 0],
    ['{"numbers":[1.5]}', 'NOT_AN_INTEGER', 0],
    ['{"numbers":[0]}', 'NOT_POSITIVE', 0],
    ['{"numbers":[-0]}', 'NOT_POSITIVE', 0],
    ['{"numbers":[3,-3]}', 'NOT_POSITIVE', 1],
    ['{"numbers":[9007199254740993,1]}', 'UNSAFE_INTEGER', 0],
    ['{"numbers":[1e400]}', 'NOT_AN_INTEGER', 0],
  ])('rejects %s with %s', async (body, code, index) => {
    const response = await postStats(body);
    const json = (await response.json()) as { error: { code: string; message: string; details: { index?: number } } };

    expect(response.status).toBe(400);
    expect(json.error.code).toBe(code);
    expect(json.error.details.index).toBe(index);
    expect(json.error.message).toMatch(/index/);
  });

  it.each([
    ['{"numbers":[1,2,3,4,5,6,7,8,9,10,11]}', 'TOO_MANY_NUMBERS'],
    ['{"numbers":[]}', 'EMPTY_LIST'],
    ['{"numbers":"1,2"}', 'NOT_A_LIST'],
    ['{"numbers":{"0":1}}', 'NOT_A_LIST'],
    ['{"numbers":[1,2', 'INVALID_JSON'],
    ['{"numbers":[1,2],}', 'INVALID_JSON'],
    ['', 'INVALID_JSON'],
    ['5', 'INVALID_BODY'],
    ['[1,2,3]', 'INVALID_BODY'],
    ['null', 'INVALID_BODY'],
    ['{"values":[1,2]}', 'INVALID_BODY'],
  ])('rejects %j with 400 %s', async (body, code) => {
    const response = await postStats(body);
    const json = (await response.json()) as { error: { code: string } };

    expect(response.status).toBe(400);
    expect(json.error.code).toBe(code);
  });

  it('names the limit for too many numbers', async () => {
    const response = await postStats(JSON.stringify({ numbers: Array.from({ length: 11 }, (_, i) => i + 1) }));
    const json = (await response.json()) as { error: { message: string; details: { limit: number } } };

    expect(json.error.details.limit).toBe(10);
    expect(json.error.message).toContain('10');
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', ''])('answers 415 for content type %j', async (contentType) => {
    const response = await fetch(`${worker.url}/v1/stats`, {
      method: 'POST',
      headers: contentType ? { 'content-type': contentType } : {},
      body: new Blob(['{"numbers":[1]}']),
    });
    const json = (await response.json()) as { error: { code: string } };

    expect(response.status).toBe(415);
    expect(json.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('accepts a JSON content type with a charset', async () => {
    const response = await postStats('{"numbers":[2,4]}', 'application/json; charset=utf-8');

    expect(response.status).toBe(200);
  });

  it('answers 413 for a body over 16 KiB', async () => {
    const body = JSON.stringify({ numbers: [1], padding: 'x'.repeat(17 * 1024) });
    const response = await postStats(body);
    const json = (await response.json()) as { error: { code: string; details: { limit: number } } };

    expect(response.status).toBe(413);
    expect(json.error.code).toBe('BODY_TOO_LARGE');
    expect(json.error.details.limit).toBe(16 * 1024);
  });

  it('answers 413 for a chunked body that grows past the limit', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(`${worker.url}/v1/stats`);
      const request = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json' } }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      request.on('error', reject);
      request.write('{"numbers":[1],"padding":"');
      for (let i = 0; i < 20; i += 1) {
        request.write('x'.repeat(1024));
      }
      request.end('"}');
    });

    expect(status).toBe(413);
    expect(JSON.parse(body).error.code).toBe('BODY_TOO_LARGE');
  });

  it('answers 404 as JSON for an unknown path', async () => {
    const response = await fetch(`${worker.url}/v1/nothing`);
    const json = (await response.json()) as { error: { code: string } };

    expect(response.status).toBe(404);
    expect(json.error.code).toBe('NOT_FOUND');
  });

  it('answers 405 with Allow for a wrong method', async () => {
    const response = await fetch(`${worker.url}/v1/stats`);
    const json = (await response.json()) as { error: { code: string; details: { allowed: string[] } } };

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(json.error.code).toBe('METHOD_NOT_ALLOWED');
    expect(json.error.details.allowed).toEqual(['POST']);
  });

  it('never sends a stack trace', async () => {
    const response = await postStats('{"numbers":[1,2');
    const text = await response.text();

    expect(text).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
    expect(text).not.toContain('node_modules');
  });
});

describe('stats transaction logs (in-process worker, memory store)', () => {
  it('writes one log object per transaction, accepted or rejected', async () => {
    const before = (await logTexts()).size;
    const responses = await Promise.all([
      postStats('{"numbers":[10,9,8,100]}'),
      postStats('{"numbers":[0]}'),
      postStats('{"numbers":[1,2'),
      postStats('{"numbers":[1]}', 'text/plain'),
      postStats(JSON.stringify({ numbers: [1], padding: 'x'.repeat(17 * 1024) })),
    ]);
    const requestIds = responses.map((response) => response.headers.get('x-request-id')!);

    const texts = await logTexts();
    expect(texts.size).toBe(before + 5);
    for (const id of requestIds) {
      const entries = [...texts.entries()].filter(([key]) => key.endsWith(`-${id}.txt`));
      expect(entries).toHaveLength(1);
      expect(entries[0]![1]).toContain(`request_id: ${id}\n`);
    }

    const byId = (id: string) => [...texts.entries()].find(([key]) => key.endsWith(`-${id}.txt`))![1];
    expect(byId(requestIds[0]!)).toContain('result: count=4 min=8 max=100 mean=31.75 median=9.5\n');
    expect(byId(requestIds[1]!)).toContain('error_code: NOT_POSITIVE\n');
    expect(byId(requestIds[1]!)).toContain('input: "{\\"numbers\\":[0]}"\n');
    expect(byId(requestIds[2]!)).toContain('error_code: INVALID_JSON\n');
    expect(byId(requestIds[3]!)).toContain('error_code: UNSUPPORTED_MEDIA_TYPE\n');
    expect(byId(requestIds[4]!)).toContain('error_code: BODY_TOO_LARGE\n');
  });

  it('writes no log for requests outside /v1/stats', async () => {
    const before = (await logTexts()).size;
    await fetch(`${worker.url}/v1/nothing`);
    await fetch(`${worker.url}/healthz`);

    expect((await logTexts()).size).toBe(before);
  });
});
