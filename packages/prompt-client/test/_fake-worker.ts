import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Request received by the fake worker. */
export interface RecordedRequest {
  method: string;
  url: string;
  contentType: string | undefined;
  headers: IncomingHttpHeaders;
  /** The body decoded as UTF-8. */
  body: string;
  /** The body as received, for binary uploads. */
  bytes: Buffer;
}

export type FakeHandler = (request: RecordedRequest, response: ServerResponse) => void;

/**
 * Stand-in for the worker in client unit tests: a real node:http server on 127.0.0.1
 * with an OS-chosen port. It records every request; by default it responds like the
 * worker's stats endpoint. A handler that throws gets a 500 response instead of a hang.
 */
export interface FakeWorker {
  url: string;
  requests: RecordedRequest[];
  /** Replaces the handler until `reset` is called. */
  handle(handler: FakeHandler): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeWorker(): Promise<FakeWorker> {
  const requests: RecordedRequest[] = [];
  let handler: FakeHandler = answerLikeWorker;

  const server = createServer((request, response) => {
    void readBody(request).then((bytes) => {
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        contentType: request.headers['content-type'],
        headers: request.headers,
        body: bytes.toString('utf8'),
        bytes,
      };
      requests.push(recorded);
      try {
        handler(recorded, response);
      } catch (error) {
        sendJson(response, 500, { error: { code: 'FAKE_HANDLER_FAILED', message: String(error), details: {} } });
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle(next) {
      handler = next;
    },
    reset() {
      requests.length = 0;
      handler = answerLikeWorker;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** Sends a JSON body with the given status and an X-Request-Id header. */
export function sendJson(response: ServerResponse, status: number, body: unknown, requestId = 'fake-request'): void {
  response.writeHead(status, { 'content-type': 'application/json', 'x-request-id': requestId });
  response.end(JSON.stringify(body));
}

function answerLikeWorker(request: RecordedRequest, response: ServerResponse): void {
  if (request.method !== 'POST' || request.url !== '/v1/stats') {
    sendJson(response, 404, { error: { code: 'NOT_FOUND', message: `no route for ${request.url}`, details: {} } });
    return;
  }
  const { numbers } = JSON.parse(request.body) as { numbers: number[] };
  sendJson(response, 200, summarizeForTest(numbers), `fake-${numbers.length}`);
}

/**
 * Computes the worker's summary for small test inputs. The fake does not use stats-core's
 * `summarize`, so these client tests fail only for client bugs.
 */
function summarizeForTest(numbers: readonly number[]): Record<string, number> {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  const sum = sorted.reduce((total, value) => total + value, 0);
  return { count: sorted.length, min: sorted[0]!, max: sorted.at(-1)!, mean: sum / sorted.length, median };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Returns a 127.0.0.1 URL whose port was just free, so connecting to it is refused. */
export async function findClosedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
