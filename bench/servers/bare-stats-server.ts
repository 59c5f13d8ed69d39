// Baseline for the stats path: node:http with the same validation and arithmetic as the worker
// (validateNumbers and summarize from stats-core), a request id per response, and nothing else.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { StatsInputError, summarize, validateNumbers } from '../../packages/stats-core/dist/index.js';

/** Same body limit as the worker's stats route. */
const MAX_BODY_BYTES = 16 * 1024;

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'x-request-id': randomUUID(),
  });
  response.end(text);
}

function handle(request: IncomingMessage, response: ServerResponse): void {
  if (request.method !== 'POST' || request.url !== '/v1/stats') {
    send(response, 404, { error: { code: 'NOT_FOUND' } });
    return;
  }
  if (!request.headers['content-type']?.startsWith('application/json')) {
    send(response, 415, { error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    return;
  }

  const chunks: Buffer[] = [];
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  });
  request.on('end', () => {
    if (size > MAX_BODY_BYTES) {
      send(response, 413, { error: { code: 'BODY_TOO_LARGE' } });
      return;
    }
    try {
      const value = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { numbers?: unknown };
      send(response, 200, summarize(validateNumbers(value.numbers)));
    } catch (error) {
      const code = error instanceof StatsInputError ? error.code : 'INVALID_JSON';
      send(response, 400, { error: { code } });
    }
  });
}

const server = createServer(handle);
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ msg: 'listening', address: `http://127.0.0.1:${port}` }));
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
