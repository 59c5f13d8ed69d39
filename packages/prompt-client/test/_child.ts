import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built client binary; `pnpm build` writes it. */
export const CLIENT_CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** The built worker binary, written in parallel by the http-worker package. */
export const WORKER_CLI = fileURLToPath(new URL('../../http-worker/dist/cli.js', import.meta.url));

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Environment for child processes: only what Node and the terminal need, so that a
 * HOTDOG_WORKER_URL, NO_COLOR or CI in the test runner's environment cannot change the result.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...extra };
}

/**
 * Runs the built client with stdin as a closed pipe (not a terminal) and collects its output.
 * Kills it by PID with SIGKILL after `timeoutMs`.
 */
export function runClient(args: readonly string[], env = childEnv(), timeoutMs = 15_000): Promise<ChildResult> {
  const child = spawn(process.execPath, [CLIENT_CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin?.end();
  return collect(child, timeoutMs);
}

/** Collects the output of a child process until it exits, or kills it by PID after `timeoutMs`. */
export function collect(child: ChildProcess, timeoutMs: number): Promise<ChildResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killByPid(child);
      reject(new Error(`child did not exit within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export function killByPid(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    process.kill(child.pid, signal);
  }
}

/** Worker process started for a test, with the URL from its listening log line. */
export interface StartedWorker {
  child: ChildProcess;
  url: string;
  output(): string;
}

/**
 * Starts the built worker on 127.0.0.1 with an OS-chosen port and waits up to `timeoutMs`
 * for the pino line `"msg":"worker listening"`, whose `address` field is the URL.
 */
export async function startWorker(args: readonly string[], timeoutMs = 20_000): Promise<StartedWorker> {
  const child = spawn(process.execPath, [WORKER_CLI, '--host', '127.0.0.1', '--port', '0', ...args], {
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const url = findListeningAddress(output);
    if (url !== undefined) {
      return { child, url, output: () => output };
    }
    if (child.exitCode !== null) {
      throw new Error(`worker exited with code ${child.exitCode} before listening:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  killByPid(child);
  throw new Error(`worker did not log "worker listening" within ${timeoutMs} ms:\n${output}`);
}

function findListeningAddress(output: string): string | undefined {
  for (const line of output.split('\n')) {
    if (!line.includes('"msg":"worker listening"')) {
      continue;
    }
    const record = JSON.parse(line) as { address?: unknown };
    if (typeof record.address === 'string') {
      return record.address;
    }
  }
  return undefined;
}

/** Stops a child by PID with SIGTERM and waits up to `timeoutMs` before SIGKILL. */
export async function stopByPid(child: ChildProcess, timeoutMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killByPid(child, 'SIGTERM');
  const timer = setTimeout(() => killByPid(child, 'SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}
