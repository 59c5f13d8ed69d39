import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Name of the file that marks a spool folder as in use by one worker process. */
export const SPOOL_LOCK_FILE = 'worker.lock';

/** Lock files held by this process, which the process id in the file cannot tell apart. */
const heldByThisProcess = new Set<string>();

/** Raised when another running process has locked the spool folder. */
export class SpoolLockedError extends Error {
  override readonly name = 'SpoolLockedError';
  readonly code = 'SPOOL_LOCKED';
  readonly dir: string;
  readonly holderPid: number;

  constructor(dir: string, holderPid: number) {
    super(
      `spool folder ${dir} is in use by process ${holderPid}; stop that worker or pass another --spool-dir, ` +
        `or delete ${join(dir, SPOOL_LOCK_FILE)} if process ${holderPid} is not a worker`,
    );
    this.dir = dir;
    this.holderPid = holderPid;
  }
}

/** A held spool lock; `release` removes the lock file. */
export interface SpoolLock {
  release(): void;
}

/**
 * Takes the spool folder for this process by writing its process id to `worker.lock`.
 *
 * Two workers appending to one spool would upload each other's records and delete segments the
 * other still writes, so a lock whose holder is alive is an error. A lock left by a process that
 * is gone (such as one killed with SIGKILL) is taken over.
 *
 * NOTE: liveness is checked with signal 0, so a lock whose holder's process id was reused by an
 * unrelated process is reported as busy until the file is deleted.
 */
export function acquireSpoolLock(dir: string): SpoolLock {
  const path = join(dir, SPOOL_LOCK_FILE);
  if (heldByThisProcess.has(path)) {
    throw new SpoolLockedError(dir, process.pid);
  }
  const holder = readHolderPid(path);
  if (holder !== undefined && holder !== process.pid && isProcessAlive(holder)) {
    throw new SpoolLockedError(dir, holder);
  }

  // 'w' replaces a stale lock. Two workers starting in the same millisecond could both pass the
  // check above, and a 'wx' open would not prevent that either, because the stale file exists.
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }

  heldByThisProcess.add(path);
  return {
    release: () => {
      heldByThisProcess.delete(path);
      if (readHolderPid(path) === process.pid) {
        unlinkSync(path);
      }
    },
  };
}

function readHolderPid(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
