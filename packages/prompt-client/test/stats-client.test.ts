import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { postStats, resolveStatsEndpoint, StatsClient, WorkerRequestError } from '../src/index.js';
import { findClosedPortUrl, sendJson, startFakeWorker } from './_fake-worker.js';
import type { FakeWorker } from './_fake-worker.js';

// Unit tests of the HTTP client against a fake worker started here.

let worker: FakeWorker;

beforeAll(async () => {
  worker = await startFakeWorker();
});

afterEach(() => {
  worker.reset();
});

afterAll(async () => {
  await worker.close();
});

/** Runs `action` and returns the WorkerRequestError it throws. */
async function catchWorkerError(action: () => Promise<unknown>): Promise<WorkerRequestError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof WorkerRequestError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a WorkerRequestError');
}

describe('resolveStatsEndpoint', () => {
  it.each([
    ['http://127.0.0.1:3000', 'http://127.0.0.1:3000/v1/stats'],
    ['http://127.0.0.1:3000/', 'http://127.0.0.1:3000/v1/stats'],
    ['https://example.test/hotdog', 'https://example.test/hotdog/v1/stats'],
    ['https://example.test/hotdog/', 'https://example.test/hotdog/v1/stats'],
  ])('resolves %s', (base, expected) => {
    expect(resolveStatsEndpoint(base)).toBe(expected);
  });

  it.each([['ftp://example.test'], ['127.0.0.1:3000'], ['']])('rejects %j', (base) => {
    expect(() => resolveStatsEndpoint(base)).toThrow(TypeError);
  });
});

describe('StatsClient (unit, fake worker)', () => {
  it('returns the summary, raw body and request id', async () => {
    const result = await postStats([10, 9, 8, 100], { workerUrl: worker.url });

    expect(result.summary).toEqual({ count: 4, min: 8, max: 100, mean: 31.75, median: 9.5 });
    expect(JSON.parse(result.body)).toEqual(result.summary);
    expect(result.requestId).toBe('fake-4');
  });

  it('keeps only the summary fields', async () => {
    worker.handle((_request, response) => {
      sendJson(response, 200, { count: 1, min: 2, max: 2, mean: 2, median: 2, extra: true });
    });

    const result = await new StatsClient({ workerUrl: worker.url }).postStats([2]);

    expect(result.summary).toEqual({ count: 1, min: 2, max: 2, mean: 2, median: 2 });
  });

  it('carries the worker error fields', async () => {
    const details = { index: 0, value: 0 };
    worker.handle((_request, response) => {
      sendJson(response, 400, { error: { code: 'NOT_POSITIVE', message: 'Element 0 is 0.', details } }, 'req-7');
    });

    const error = await catchWorkerError(() => postStats([1], { workerUrl: worker.url }));

    expect(error.code).toBe('WORKER_ERROR');
    expect(error.status).toBe(400);
    expect(error.workerCode).toBe('NOT_POSITIVE');
    expect(error.details).toEqual(details);
    expect(error.requestId).toBe('req-7');
    expect(error.url).toBe(`${worker.url}/v1/stats`);
  });

  it.each([
    { case: 'HTML error page', status: 404, body: '<h1>Not Found</h1>', fragment: 'non-JSON body' },
    { case: 'JSON without error object', status: 500, body: '{"oops":1}', fragment: 'without an error object' },
    { case: 'empty error body', status: 503, body: '', fragment: '(empty body)' },
    { case: 'non-JSON success', status: 200, body: 'ok', fragment: 'without a stats summary' },
  ])('reports $case as INVALID_RESPONSE', async ({ status, body, fragment }) => {
    worker.handle((_request, response) => {
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end(body);
    });

    const error = await catchWorkerError(() => postStats([1], { workerUrl: worker.url }));

    expect(error.code).toBe('INVALID_RESPONSE');
    expect(error.status).toBe(status);
    expect(error.message).toContain(`HTTP ${status}`);
    expect(error.message).toContain(fragment);
  });

  it('shortens a long unexpected body', async () => {
    worker.handle((_request, response) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end('x'.repeat(5_000));
    });

    const error = await catchWorkerError(() => postStats([1], { workerUrl: worker.url }));

    expect(error.message.length).toBeLessThan(400);
  });

  it('reports a refused connection with its cause code', async () => {
    const closedUrl = await findClosedPortUrl();

    const error = await catchWorkerError(() => postStats([1], { workerUrl: closedUrl }));

    expect(error.code).toBe('WORKER_UNREACHABLE');
    expect(error.causeCode).toBe('ECONNREFUSED');
    expect(error.message).toContain(`${closedUrl}/v1/stats`);
  });

  it('reports a timeout', async () => {
    worker.handle((_request, response) => {
      setTimeout(() => sendJson(response, 200, {}), 5_000).unref();
    });

    const error = await catchWorkerError(() => postStats([1], { workerUrl: worker.url, timeoutMs: 100 }));

    expect(error.code).toBe('WORKER_TIMEOUT');
    expect(error.message).toContain('0.1 s');
  });

  it('uses an injected fetch', async () => {
    const requested: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      requested.push(String(input));
      return new Response('{"count":1,"min":3,"max":3,"mean":3,"median":3}', { status: 200 });
    };

    const result = await postStats([3], { workerUrl: 'http://worker.test', fetch: fakeFetch });

    expect(requested).toEqual(['http://worker.test/v1/stats']);
    expect(result.summary.median).toBe(3);
    expect(result.requestId).toBeUndefined();
  });
});
