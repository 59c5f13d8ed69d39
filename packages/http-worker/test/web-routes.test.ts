import { request } from 'node:http';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { MemoryStore } from '@hotdog-lab/label-store';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/config.js';
import { CONTENT_SECURITY_POLICY } from '../src/middleware/security-headers.js';
import { defaultWebDir } from '../src/routes/web.js';
import { startWorker, type Worker } from '../src/worker.js';

// A stand-in for dist/web, so these tests do not depend on the web build. Beside it lies a file
// that must never be served, reachable only by a path that leaves the folder.
const INDEX_HTML = '<!doctype html><title>test page</title><script defer src="/app-ABCDEFGH.js"></script>';
const SECRET = 'secret outside the web folder';

let root: string;
let worker: Worker;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hotdog-web-'));
  const web = join(root, 'web');
  await mkdir(join(web, 'sub'), { recursive: true });
  await writeFile(join(web, 'index.html'), INDEX_HTML);
  await writeFile(join(web, 'app-ABCDEFGH.js'), 'console.log("app");');
  await writeFile(join(web, 'app-ABCDEFGH.js.map'), '{"version":3}');
  await writeFile(join(web, 'app-IJKLMNOP.css'), 'body{margin:0}');
  await writeFile(join(web, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(join(web, '.hidden.js'), SECRET);
  await writeFile(join(web, 'tool.exe'), SECRET);
  await writeFile(join(web, 'sub', 'nested.js'), SECRET);
  await writeFile(join(root, 'secret.txt'), SECRET);
  await symlink(join(root, 'secret.txt'), join(web, 'linked.txt'));

  worker = await startWorker({ ...DEFAULT_CONFIG, port: 0 }, { store: new MemoryStore(), logger: pino({ level: 'silent' }), webDir: web });
});

afterAll(async () => {
  await worker?.close(5_000);
  await rm(root, { recursive: true, force: true });
});

/** GET with the path sent exactly as written: `fetch` would resolve `..` and percent-escapes first. */
function rawGet(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(worker.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET', headers }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function expectSecurityHeaders(headers: Headers): void {
  expect(headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
}

describe('security headers', () => {
  it('are the documented policy', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; img-src 'self' blob: data:; script-src 'self'; style-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    );
  });

  it.each([
    ['the page', 'GET', '/', undefined, 200],
    ['a bundle', 'GET', '/app-ABCDEFGH.js', undefined, 200],
    ['the health check', 'GET', '/healthz', undefined, 200],
    ['a sample', 'GET', '/v1/images/sample?annotator=ana', undefined, 200],
    ['a stats answer', 'POST', '/v1/stats', '{"numbers":[1,2]}', 200],
    ['a 400 error', 'POST', '/v1/stats', '{"numbers":', 400],
    ['a 404 error', 'GET', '/v1/nothing', undefined, 404],
    ['a 405 error', 'GET', '/v1/stats', undefined, 405],
    ['an unknown image', 'GET', `/v1/images/${'0'.repeat(64)}`, undefined, 404],
  ])('are on %s', async (_name, method, path, body, status) => {
    const response = await fetch(`${worker.url}${path}`, {
      method,
      ...(body !== undefined && { body, headers: { 'content-type': 'application/json' } }),
    });
    await response.arrayBuffer();

    expect(response.status).toBe(status);
    expectSecurityHeaders(response.headers);
  });
});

describe('the web page', () => {
  it('serves index.html at / with no-cache and an ETag', async () => {
    const response = await fetch(`${worker.url}/`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('etag')).toMatch(/^"[\w-]{27}"$/);
    expect(await response.text()).toBe(INDEX_HTML);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await rawGet('/');
    // Not `fetch`: with a conditional header it also sends `Cache-Control: no-cache`, which asks for a 200.
    const second = await rawGet('/', { 'if-none-match': String(first.headers.etag) });

    expect(second.status).toBe(304);
    expect(second.body).toBe('');
    expect(second.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  it('answers HEAD without a body', async () => {
    const response = await fetch(`${worker.url}/`, { method: 'HEAD' });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(INDEX_HTML)));
    expect(await response.text()).toBe('');
  });

  it.each([
    ['/index.html', 'text/html; charset=utf-8', 'no-cache'],
    ['/app-ABCDEFGH.js', 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['/app-IJKLMNOP.css', 'text/css; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['/app-ABCDEFGH.js.map', 'application/json; charset=utf-8', 'no-cache'],
    ['/favicon.svg', 'image/svg+xml', 'no-cache'],
  ])('serves %s as %s with Cache-Control %s', async (path, contentType, cacheControl) => {
    const response = await fetch(`${worker.url}${path}`);
    await response.arrayBuffer();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(contentType);
    expect(response.headers.get('cache-control')).toBe(cacheControl);
  });

  it.each([
    '/missing.js',
    '/sub/nested.js',
    '/sub%2Fnested.js',
    '/.hidden.js',
    '/tool.exe',
    '/linked.txt',
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/..%5csecret.txt',
    '/index.html/../../secret.txt',
    `/${encodeURIComponent(sep)}etc${encodeURIComponent(sep)}passwd`,
  ])('answers 404 JSON for %s and never a file outside the folder', async (path) => {
    const response = await rawGet(path);

    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(response.body).error.code).toBe('NOT_FOUND');
    expect(response.body).not.toContain(SECRET);
    expect(response.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  it('keeps 405 with Allow for other methods on /', async () => {
    const response = await fetch(`${worker.url}/`, { method: 'POST' });
    const json = (await response.json()) as { error: { code: string } };

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('HEAD, GET');
    expect(json.error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('answers 404 JSON that names the build when the page is not built', async () => {
    const bare = await startWorker({ ...DEFAULT_CONFIG, port: 0 }, { store: new MemoryStore(), logger: pino({ level: 'silent' }), webDir: join(root, 'not-built') });
    try {
      const response = await fetch(`${bare.url}/`);
      const json = (await response.json()) as { error: { code: string; message: string } };

      expect(response.status).toBe(404);
      expect(json.error.code).toBe('NOT_FOUND');
      expect(json.error.message).toContain('run pnpm build');
      expectSecurityHeaders(response.headers);
    } finally {
      await bare.close(5_000);
    }
  });

  it('finds dist/web of this package by default', () => {
    expect(defaultWebDir()).toBe(join(new URL('..', import.meta.url).pathname, 'dist', 'web'));
  });
});
