import { MemoryStore, StorageError, type ObjectInfo } from '@hotdog-lab/label-store';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type WorkerConfig } from '../src/config.js';
import { RateLimiter } from '../src/middleware/rate-limit.js';
import { startWorker, type Worker } from '../src/worker.js';

const TOKEN = 'test-token-0123456789abcdef';
const ORIGIN = 'https://labels.example.com';
const silent = pino({ level: 'silent' });

async function withWorker(config: Partial<WorkerConfig>, store = new MemoryStore()): Promise<Worker> {
  return startWorker({ ...DEFAULT_CONFIG, port: 0, ...config }, { store, logger: silent });
}

function labelPost(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/v1/labels`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"annotator":"ana","answers":[]}' });
}

describe('secure defaults', () => {
  let worker: Worker;

  beforeAll(async () => {
    worker = await withWorker({});
  });

  afterAll(async () => {
    await worker.close(2_000);
  });

  it('sends no CORS headers', async () => {
    const response = await fetch(`${worker.url}/healthz`, { headers: { origin: ORIGIN } });

    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('needs no token without --api-token', async () => {
    expect((await fetch(`${worker.url}/v1/labels.csv`)).status).toBe(200);
  });

  it('ignores X-Forwarded-For without --trust-proxy', async () => {
    const limited = await withWorker({ rateLimitPerMinute: 1 });
    try {
      expect((await labelPost(limited.url, { 'x-forwarded-for': '203.0.113.1' })).status).toBe(400);
      expect((await labelPost(limited.url, { 'x-forwarded-for': '203.0.113.2' })).status).toBe(429);
    } finally {
      await limited.close(2_000);
    }
  });
});

describe('configured security', () => {
  let worker: Worker;

  beforeAll(async () => {
    worker = await withWorker({ corsOrigins: [ORIGIN], apiToken: TOKEN, rateLimitPerMinute: 2, trustProxy: true });
  });

  afterAll(async () => {
    await worker.close(2_000);
  });

  it.each([
    { case: 'no header', headers: {} as Record<string, string>, status: 401 },
    { case: 'a wrong token', headers: { authorization: 'Bearer wrong-token-0123456789abcdef' }, status: 401 },
    { case: 'another scheme', headers: { authorization: `Basic ${TOKEN}` }, status: 401 },
    { case: 'the token', headers: { authorization: `Bearer ${TOKEN}` }, status: 200 },
  ])('GET /v1/labels.csv with $case answers $status', async ({ headers, status }) => {
    const response = await fetch(`${worker.url}/v1/labels.csv`, { headers });

    expect(response.status).toBe(status);
    if (status === 401) {
      expect(response.headers.get('www-authenticate')).toContain('Bearer');
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    }
  });

  it.each(['/v1/labels.csv/', '/V1/Labels.CSV', '/v1/export/labels.csv', '/v1/export/labels.csv/'])('needs the token for %s', async (path) => {
    const response = await fetch(`${worker.url}${path}`);

    expect(response.status).toBe(401);
  });

  it('needs the token for HEAD of the label file', async () => {
    const response = await fetch(`${worker.url}/v1/labels.csv`, { method: 'HEAD' });

    expect(response.status).toBe(401);
  });

  it('needs the token for uploads', async () => {
    const form = new FormData();
    form.append('annotator', 'ana');
    const response = await fetch(`${worker.url}/v1/images`, { method: 'POST', body: form, headers: { 'x-forwarded-for': '198.51.100.9' } });

    expect(response.status).toBe(401);
  });

  it('leaves stats open', async () => {
    const response = await fetch(`${worker.url}/v1/stats`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"numbers":[1]}' });

    expect(response.status).toBe(200);
  });

  it.each([
    { case: 'a listed origin', origin: ORIGIN, allowed: ORIGIN },
    { case: 'another origin', origin: 'https://evil.example', allowed: null },
  ])('answers a request from $case', async ({ origin, allowed }) => {
    const response = await fetch(`${worker.url}/healthz`, { headers: { origin } });

    expect(response.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(response.headers.get('vary')).toContain('Origin');
  });

  it.each([
    { case: 'a listed origin', origin: ORIGIN, status: 204 },
    { case: 'another origin', origin: 'https://evil.example', status: 403 },
  ])('answers a preflight from $case with $status', async ({ origin, status }) => {
    const response = await fetch(`${worker.url}/v1/labels`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });

    expect(response.status).toBe(status);
    if (status === 204) expect(response.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('limits label posts per forwarded client address', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await labelPost(worker.url, { 'x-forwarded-for': '203.0.113.7' })).status);
    const other = await labelPost(worker.url, { 'x-forwarded-for': '203.0.113.8' });
    const limited = await labelPost(worker.url, { 'x-forwarded-for': '203.0.113.7' });

    expect(statuses).toEqual([400, 400, 429]);
    expect(other.status).toBe(400);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
  });

  it('counts other spellings of the label path in the same limit', async () => {
    const client = { 'x-forwarded-for': '203.0.113.9' };
    const statuses = [];
    for (const path of ['/v1/labels', '/V1/Labels/', '/v1/LABELS']) {
      const response = await fetch(`${worker.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...client }, body: '{}' });
      statuses.push(response.status);
    }

    expect(statuses).toEqual([400, 400, 429]);
  });

  it('uses the address the proxy appended, not one the client forged', async () => {
    const forged = await labelPost(worker.url, { 'x-forwarded-for': '192.0.2.1, 203.0.113.7' });

    expect(forged.status).toBe(429);
  });
});

describe('RateLimiter', () => {
  it('refills over a minute', () => {
    const limiter = new RateLimiter(60);
    for (let i = 0; i < 60; i += 1) expect(limiter.take('a', 0)).toBe(0);

    expect(limiter.take('a', 0)).toBe(1);
    expect(limiter.take('a', 1_000)).toBe(0);
  });

  it('keeps at most maxClients entries', () => {
    const limiter = new RateLimiter(1, 100);
    for (let i = 0; i < 1_000; i += 1) limiter.take(`client-${i}`, 0);

    expect(limiter.trackedClients).toBe(100);
  });
});

describe('operations endpoints', () => {
  it('reports metrics in the Prometheus text format', async () => {
    const worker = await withWorker({});
    try {
      await fetch(`${worker.url}/v1/stats`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"numbers":[1]}' });
      await fetch(`${worker.url}/v1/images`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
      const response = await fetch(`${worker.url}/metrics`);
      const text = await response.text();

      expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      for (const name of [
        'hotdog_http_requests_total{route="/v1/stats",method="POST",status="200"} 1',
        'hotdog_http_request_duration_seconds_bucket{route="/v1/stats",method="POST",status="200",le="+Inf"} 1',
        'hotdog_transaction_log_backlog',
        'hotdog_transaction_log_spool_bytes',
        'hotdog_label_append_retries_total',
        'hotdog_label_append_conflicts_total',
        'hotdog_upload_rejections_total{code="UNSUPPORTED_MEDIA_TYPE"} 1',
        'hotdog_storage_calls_total',
      ]) {
        expect(text).toContain(name);
      }
    } finally {
      await worker.close(2_000);
    }
  });

  it.each([
    { case: 'a working store', fail: false, status: 200 },
    { case: 'a failing store', fail: true, status: 503 },
  ])('/readyz with $case answers $status while /healthz stays 200', async ({ fail, status }) => {
    class FailingStore extends MemoryStore {
      override async head(key: string): Promise<ObjectInfo | undefined> {
        if (fail && key === 'labels/labels.csv') throw new StorageError('head', key, 'injected outage');
        return super.head(key);
      }
    }
    const worker = await withWorker({}, new FailingStore());
    try {
      const ready = await fetch(`${worker.url}/readyz`);

      expect(ready.status).toBe(status);
      if (fail) expect(((await ready.json()) as { error: { details: { reason: string } } }).error.details.reason).toContain('injected outage');
      expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
    } finally {
      await worker.close(2_000);
    }
  });
});
