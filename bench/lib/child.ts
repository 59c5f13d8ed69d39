import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Repository root: this file lives in `<repo>/bench/lib/`. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The built worker binary; `pnpm bench` builds it first. */
export const WORKER_CLI = fileURLToPath(new URL('../../packages/http-worker/dist/cli.js', import.meta.url));

/** Upper bound for a server to print its listening line. */
const START_TIMEOUT_MS = 20_000;

/** Upper bound for a server to exit after SIGTERM before it gets SIGKILL. */
const STOP_TIMEOUT_MS = 30_000;

/** Most output kept per process; older output is dropped, so a chatty process cannot fill memory. */
const MAX_OUTPUT_CHARS = 4 * 1024 * 1024;

/** Children still running; killed when the benchmark process exits early, so none is left behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A server started by a benchmark, listening on 127.0.0.1. */
export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  output(): string;
  /** Sends SIGTERM, waits for the exit (SIGKILL after STOP_TIMEOUT_MS) and returns the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts the built worker on a free port of 127.0.0.1 with the given options and waits for its
 * `worker listening` log line. The per-client rate limit is off, because every simulated client of
 * a benchmark comes from 127.0.0.1.
 */
export function startWorker(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  if (!existsSync(WORKER_CLI)) throw new Error(`${WORKER_CLI} is missing; run pnpm build first`);
  return startServer([WORKER_CLI, '--host', '127.0.0.1', '--port', '0', ...args], { HOTDOG_RATE_LIMIT_PER_MINUTE: '0', ...env }, 'worker listening');
}

/**
 * Starts a TypeScript script of this folder with tsx. A server script must print a JSON line with
 * `"msg":"listening"` and `address`, like the worker's log line.
 */
export function startScriptServer(script: string, env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  return startServer(['--import', 'tsx', script], env, 'listening');
}

async function startServer(args: string[], env: NodeJS.ProcessEnv, listeningMessage: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  const append = (chunk: string) => {
    output += chunk;
    if (output.length > MAX_OUTPUT_CHARS) output = output.slice(-MAX_OUTPUT_CHARS / 2);
  };
  child.stdout!.setEncoding('utf8').on('data', append);
  child.stderr!.setEncoding('utf8').on('data', append);

  const url = await waitForListening(child, () => output, listeningMessage);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const [code] = (await exited) as [number | null];
    clearTimeout(timer);
    return code;
  };
  return { child, pid: child.pid!, url, output: () => output, stop };
}

async function waitForListening(child: ChildProcess, output: () => string, message: string): Promise<string> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const line = output()
      .split('\n')
      .find((text) => text.includes(`"msg":"${message}"`));
    if (line) return (JSON.parse(line) as { address: string }).address;
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode} before listening:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }

  child.kill('SIGKILL');
  throw new Error(`server did not listen within ${START_TIMEOUT_MS} ms:\n${output()}`);
}

/**
 * Runs a TypeScript script of this folder with tsx to its end and returns its output, or rejects
 * when it exits with another code than 0 or runs longer than `timeoutMs`.
 */
export async function runScript(script: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  clearTimeout(timer);
  running.delete(child);
  if (code !== 0) throw new Error(`${script} exited with ${code ?? signal} (time limit ${timeoutMs} ms):\n${output.slice(-4000)}`);
  return output;
}

/** Finds the JSON log line with this `msg` in a process's output, or returns undefined. */
export function findLogLine<T>(output: string, message: string): T | undefined {
  const line = output.split('\n').find((text) => text.includes(`"msg":"${message}"`));
  return line === undefined ? undefined : (JSON.parse(line) as T);
}
