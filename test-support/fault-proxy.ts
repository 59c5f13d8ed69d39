import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A fault that the proxy injects instead of forwarding a request as it is. */
export type FaultKind = 'internal-error' | 'slow-down' | 'reset' | 'stall';

export const FAULT_KINDS: readonly FaultKind[] = ['internal-error', 'slow-down', 'reset', 'stall'];

export interface FaultProxyOptions {
  /** URL of the real S3 endpoint, such as `http://127.0.0.1:8333`; it must be on 127.0.0.1. */
  target: string;
  /** Share of requests that get a fault, from 0 to 1. */
  faultRate: number;
  /** Seed of the random choices, so a run can be repeated. */
  seed: number;
  /** How long a stalled request waits before it is forwarded, in milliseconds. */
  stallMs?: number;
  /** Faults to choose from, evenly; default all four. */
  kinds?: readonly FaultKind[];
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: use it as the S3 endpoint. */
  url: string;
  /** Requests seen and faults injected, by kind. */
  counts: { requests: number; forwarded: number } & Record<FaultKind, number>;
  setFaultRate(rate: number): void;
  close(): Promise<void>;
}

/** Default stall: longer than the request timeouts that the tests give the S3 client. */
export const DEFAULT_STALL_MS = 3_000;

/** Largest request body the proxy buffers before forwarding; test objects are far smaller. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/**
 * Starts an HTTP proxy on 127.0.0.1 in front of an S3 endpoint that fails a seeded random share
 * of requests: 500 `InternalError` or 503 `SlowDown` with an S3 XML error body, a connection reset
 * before any response, or a stall of `stallMs` after which the request is still forwarded (as when
 * a server stores an object but its response comes too late for the client).
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  if (target.hostname !== '127.0.0.1' && target.hostname !== 'localhost') {
    throw new Error(`fault proxy target ${options.target} is not on this machine; tests only send traffic to 127.0.0.1`);
  }

  const random = mulberry32(options.seed);
  const kinds = options.kinds ?? FAULT_KINDS;
  const stallMs = options.stallMs ?? DEFAULT_STALL_MS;
  let faultRate = options.faultRate;
  const counts: FaultProxy['counts'] = { requests: 0, forwarded: 0, 'internal-error': 0, 'slow-down': 0, reset: 0, stall: 0 };
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const server: Server = createServer((req, res) => {
    counts.requests += 1;
    const fault = random() < faultRate ? kinds[Math.floor(random() * kinds.length)]! : undefined;
    if (fault) counts[fault] += 1;

    void readBody(req).then(
      (body) => {
        switch (fault) {
          case 'internal-error':
            sendS3Error(res, 500, 'InternalError', 'We encountered an internal error. Please try again.');
            return;
          case 'slow-down':
            sendS3Error(res, 503, 'SlowDown', 'Please reduce your request rate.');
            return;
          case 'reset':
            req.socket.destroy();
            return;
          case 'stall': {
            const timer = setTimeout(() => {
              timers.delete(timer);
              forward(req, body, res);
            }, stallMs);
            timers.add(timer);
            return;
          }
          default:
            forward(req, body, res);
        }
      },
      () => req.socket.destroy(),
    );
  });

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    counts.forwarded += 1;
    const upstream = httpRequest(
      { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        if (res.destroyed) {
          answer.resume();
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  };

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    setFaultRate: (rate) => {
      faultRate = rate;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sendS3Error(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** A small seeded generator of numbers in [0, 1) (mulberry32). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
