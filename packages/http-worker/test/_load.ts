import { Agent, request } from 'node:http';

/** Bounds of one load run: it stops at `total` requests, at `timeCapMs`, or when `stop()` is true. */
export interface LoadOptions {
  total: number;
  concurrency: number;
  timeCapMs: number;
  stop?: () => boolean;
}

/**
 * Calls `send(i)` for i = 0 .. total-1 with at most `concurrency` calls at once. A call that
 * throws (such as a refused connection after a kill) ends that lane, so the run ends soon after
 * the server is gone. Returns the number of calls started.
 */
export async function runLoad(options: LoadOptions, send: (index: number) => Promise<void>): Promise<number> {
  const deadline = Date.now() + options.timeCapMs;
  let next = 0;
  let failures = 0;
  const lane = async () => {
    while (next < options.total && Date.now() < deadline && !options.stop?.() && failures < options.concurrency) {
      const index = next;
      next += 1;
      try {
        await send(index);
      } catch {
        failures += 1;
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  return next;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A keep-alive agent for load and fuzz tests; destroy it when done. */
export function keepAliveAgent(maxSockets = 32): Agent {
  return new Agent({ keepAlive: true, maxSockets });
}

/**
 * Sends one HTTP request with full control of headers and body, as `fetch` does not allow
 * (no Content-Length, wrong lengths). `body` chunks are written one by one.
 */
export function sendRaw(
  url: string,
  options: { method: string; path: string; headers?: Record<string, string | number>; body?: (string | Uint8Array)[]; agent?: Agent; timeoutMs?: number },
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise<RawResponse>((resolve, reject) => {
    const req = request({ hostname, port, method: options.method, path: options.path, headers: options.headers, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(options.timeoutMs ?? 20_000, () => req.destroy(new Error(`${options.method} ${options.path} timed out`)));
    req.on('error', reject);
    for (const chunk of options.body ?? []) {
      // A server may answer and close early (413); the error is then seen on `req`.
      req.write(chunk);
    }
    req.end();
  });
}
