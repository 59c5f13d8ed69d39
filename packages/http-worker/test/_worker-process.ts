import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built worker binary; `pnpm test` builds it before the tests run. */
export const WORKER_CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output: () => string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop: () => Promise<number | null>;
}

/** Starts `hotdog-worker` as a child process on a free port and waits for its listening log line. */
export async function startWorkerProcess(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 15_000): Promise<WorkerProcess> {
  if (!existsSync(WORKER_CLI)) {
    throw new Error(`${WORKER_CLI} is missing; run pnpm build first`);
  }

  const child = spawn(process.execPath, [WORKER_CLI, '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));

  const url = await waitForListening(child, () => output, timeoutMs);
  const stop = async () => {
    if (child.exitCode !== null) {
      return child.exitCode;
    }
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    return code;
  };
  return { child, url, output: () => output, stop };
}

async function waitForListening(child: ChildProcess, output: () => string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const line = output()
      .split('\n')
      .find((text) => text.includes('"msg":"worker listening"'));
    if (line) {
      return (JSON.parse(line) as { address: string }).address;
    }
    if (child.exitCode !== null) {
      throw new Error(`worker exited with code ${child.exitCode} before listening:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  child.kill('SIGKILL');
  throw new Error(`worker did not listen within ${timeoutMs} ms:\n${output()}`);
}

/** Runs the worker binary to completion (for --help and bad options). */
export async function runWorkerCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [WORKER_CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}
