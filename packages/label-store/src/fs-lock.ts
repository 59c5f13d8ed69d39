import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { errorCode } from './error-code.js';
import { INTERNAL_SUFFIX } from './fs-layout.js';

/**
 * Maximum wait for a busy lock. A holder keeps it only to compare an ETag and rename two files
 * (milliseconds), so waiting this long means many writers queue on one key or the disk stalls.
 */
export const LOCK_TIMEOUT_MS = 10_000;

/**
 * Age after which a lock whose holder still runs counts as abandoned. It is far above the
 * milliseconds that a holder needs, so a live holder only loses its lock when it hangs.
 */
export const STALE_LOCK_MS = 30_000;

/** Bounds on the randomized wait between attempts: short enough for low latency, random to spread contending processes. */
const MIN_RETRY_DELAY_MS = 2;
const MAX_RETRY_DELAY_MS = 50;

/** Attempt cap in addition to the time limit, in case the clock jumps. */
const MAX_ATTEMPTS = 5_000;

/** Raised when a lock stays busy for longer than `LOCK_TIMEOUT_MS`. */
export class LockTimeoutError extends Error {
  readonly code = 'LOCK_TIMEOUT';
  readonly lockPath: string;

  constructor(lockPath: string, waitedMs: number, holder: string) {
    super(
      `lock ${lockPath} stayed busy for ${waitedMs} ms (held by ${holder}); if no process holds it, ` +
        `delete the file, or wait ${STALE_LOCK_MS} ms until it counts as stale`,
    );
    this.name = 'LockTimeoutError';
    this.lockPath = lockPath;
  }
}

/** The lock file's content: the holder, and a token that distinguishes one acquisition from the next. */
interface LockOwner {
  pid: number;
  hostname: string;
  token: string;
  createdAt: number;
}

/**
 * Runs `action` while holding an exclusive lock file at `lockPath`, shared with every process on
 * this machine that uses the same path. The lock is created with `open(path, 'wx')`, which fails
 * when the file exists. A lock whose holder died (its PID is gone) or that is older than
 * `STALE_LOCK_MS` is broken, so a crashed writer cannot block a key forever.
 *
 * @throws LockTimeoutError when the lock stays busy for `LOCK_TIMEOUT_MS`.
 */
export async function withFileLock<T>(lockPath: string, action: () => Promise<T>): Promise<T> {
  const owner = await acquire(lockPath);
  try {
    return await action();
  } finally {
    await release(lockPath, owner);
  }
}

async function acquire(lockPath: string): Promise<LockOwner> {
  const startedAt = Date.now();

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const owner: LockOwner = {
      pid: process.pid,
      hostname: hostname(),
      token: randomBytes(8).toString('hex'),
      createdAt: Date.now(),
    };
    if (await tryCreate(lockPath, owner)) return owner;

    if (await breakIfStale(lockPath)) continue;

    const waitedMs = Date.now() - startedAt;
    if (waitedMs >= LOCK_TIMEOUT_MS) {
      throw new LockTimeoutError(lockPath, waitedMs, await describeHolder(lockPath));
    }
    await sleep(MIN_RETRY_DELAY_MS + Math.random() * (MAX_RETRY_DELAY_MS - MIN_RETRY_DELAY_MS));
  }
  throw new LockTimeoutError(lockPath, Date.now() - startedAt, await describeHolder(lockPath));
}

/** Returns false when another process holds the lock. */
async function tryCreate(lockPath: string, owner: LockOwner): Promise<boolean> {
  let handle;
  try {
    handle = await open(lockPath, 'wx');
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    if (errorCode(error) !== 'ENOENT') throw error;

    // A delete of the last object in this folder removed it after our caller created it.
    await mkdir(dirname(lockPath), { recursive: true });
    return false;
  }

  try {
    await handle.writeFile(JSON.stringify(owner));
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Removes the lock at `lockPath` when its holder is gone or it is older than `STALE_LOCK_MS`.
 * Two waiters may judge the same lock stale at once, so the lock is first renamed aside, which
 * only one of them can do, and put back when the file renamed is not the one judged stale.
 */
async function breakIfStale(lockPath: string): Promise<boolean> {
  const observed = await readOwner(lockPath);
  if (observed === 'missing') return true;
  if (!isStale(observed)) return false;

  const asidePath = `${lockPath}.${randomBytes(4).toString('hex')}.stale${INTERNAL_SUFFIX}`;
  try {
    await rename(lockPath, asidePath);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return true;
    throw error;
  }

  const moved = await readOwner(asidePath);
  if (moved !== 'missing' && !isSameLock(moved, observed)) {
    // The stale lock was replaced by a live one in between: restore it unless yet another lock exists.
    await link(asidePath, lockPath).catch(() => undefined);
  }
  await unlink(asidePath).catch(() => undefined);
  return true;
}

function isSameLock(left: ObservedLock, right: ObservedLock): boolean {
  if (left.owner && right.owner) return left.owner.token === right.owner.token;
  // Without a token, compare modification times, which rename keeps.
  return left.owner === undefined && right.owner === undefined && left.modifiedAt === right.modifiedAt;
}

/** A lock file's holder, or `undefined` while the holder has created the file but not yet written it. */
type ObservedLock = { owner: LockOwner | undefined; modifiedAt: number };

async function readOwner(lockPath: string): Promise<ObservedLock | 'missing'> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    return { owner: parseOwner(text), modifiedAt: info.mtimeMs };
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'missing';
    throw error;
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid === 'number' && typeof value.token === 'string' && typeof value.createdAt === 'number') {
      return { pid: value.pid, token: value.token, createdAt: value.createdAt, hostname: String(value.hostname) };
    }
  } catch {
    // Empty or half-written: the holder is between `open` and `writeFile`.
  }
  return undefined;
}

function isStale(observed: ObservedLock): boolean {
  const { owner } = observed;
  const age = Date.now() - (owner?.createdAt ?? observed.modifiedAt);
  if (age > STALE_LOCK_MS) return true;

  // A PID identifies no process on another host, for example on a shared network folder.
  return owner !== undefined && owner.hostname === hostname() && !isProcessAlive(owner.pid);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return errorCode(error) === 'EPERM';
  }
}

async function release(lockPath: string, owner: LockOwner): Promise<void> {
  const current = await readOwner(lockPath);
  // Only delete our own lock: a waiter may have broken it as stale and taken it over.
  if (current !== 'missing' && current.owner?.token === owner.token) {
    await unlink(lockPath).catch((error: unknown) => {
      if (errorCode(error) !== 'ENOENT') throw error;
    });
  }
}

async function describeHolder(lockPath: string): Promise<string> {
  const observed = await readOwner(lockPath).catch(() => 'missing' as const);
  if (observed === 'missing') return 'nobody now';
  if (observed.owner === undefined) return 'a process that has not yet written its PID';
  return `PID ${observed.owner.pid} on ${observed.owner.hostname} since ${new Date(observed.owner.createdAt).toISOString()}`;
}
