import { close, closeSync, fdatasync, mkdirSync, openSync, readdirSync, statSync, writeSync } from 'node:fs';
import { appendFile, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import { acquireSpoolLock, SpoolLockedError, type SpoolLock } from './spool-lock.js';

/**
 * Kind of a spool line. `R` is written when a response is ready, before any byte of it is sent,
 * so a crash cannot lose it. `F` is the finished record, written only when the upload queue in
 * memory is full (a spilled record).
 */
export type SpoolLineKind = 'R' | 'F';

/** Start of a line: the segment number and the byte offset in its file. */
export interface SpoolPosition {
  segment: number;
  offset: number;
}

export interface SpoolLine {
  position: SpoolPosition;
  kind: SpoolLineKind;
  /** The JSON text after the kind marker. */
  json: string;
}

/** The lines of a segment left by an earlier process that are not yet marked done. */
export interface SpoolSegmentContents {
  segment: number;
  lines: SpoolLine[];
  /** Lines that could not be read, such as a write cut short by a power failure; they count as done. */
  damagedLines: number;
}

export interface TransactionSpoolOptions {
  /** Size at which the spool starts a new segment file, in bytes. */
  maxSegmentBytes?: number;
  /** Time between fdatasync calls and done-mark writes, in milliseconds. */
  syncIntervalMs?: number;
}

/**
 * A segment is deleted once every record in it is uploaded, so smaller segments free disk sooner.
 * 4 MiB contains about 8,000 records and is read in one piece at restart.
 */
export const MAX_SEGMENT_BYTES = 4 * 1024 * 1024;

/**
 * fdatasync batching interval. A process crash loses nothing already written, because the data
 * is in the kernel's page cache. Only a power or kernel failure can lose the last interval.
 */
export const SYNC_INTERVAL_MS = 200;

/** Workers that can share one spool folder on a machine, each in its own slot. */
export const MAX_SPOOL_SLOTS = 64;

/** Largest chunk read at once when spilled records are read back. */
const READ_CHUNK_BYTES = 256 * 1024;

const SEGMENT_FILE = /^(\d{10})\.seg$/;

interface SegmentState {
  number: number;
  /** Bytes in the file. */
  bytes: number;
  /** Lines in the file; unknown for an earlier process's segment until it is read. */
  lines: number | undefined;
  done: number;
  /** Done offsets not yet appended to the `.done` file. */
  unsavedDone: number[];
  writable: boolean;
}

/**
 * An append-only spool of transaction log records on the local disk.
 *
 * Records are lines in numbered segment files (`0000000001.seg`). Uploaded records are marked done
 * by appending their offsets to `<segment>.done`; a segment whose records are all done is deleted.
 * A new process starts a new segment and reads the earlier ones (`oldSegments`) to upload what
 * they still hold. Appends are synchronous writes, so a record is in the kernel before the caller
 * goes on; fdatasync runs every `SYNC_INTERVAL_MS` off the request path.
 */
export class TransactionSpool {
  readonly dir: string;
  /** Segments left by earlier processes, oldest first, to be read with `readSegment`. */
  readonly oldSegments: readonly number[];
  readonly #logger: Logger;
  readonly #lock: SpoolLock;
  readonly #maxSegmentBytes: number;
  readonly #segments = new Map<number, SegmentState>();
  readonly #timer: NodeJS.Timeout;
  #current: SegmentState;
  #fd: number;
  #unsynced = false;
  #syncing: Promise<void> | undefined;
  #totalBytes = 0;
  #closed = false;
  #fdClosed = false;

  private constructor(dir: string, logger: Logger, lock: SpoolLock, options: TransactionSpoolOptions) {
    this.dir = dir;
    this.#logger = logger;
    this.#lock = lock;
    this.#maxSegmentBytes = options.maxSegmentBytes ?? MAX_SEGMENT_BYTES;

    const old: number[] = [];
    for (const name of readdirSync(dir)) {
      const match = SEGMENT_FILE.exec(name);
      if (!match) continue;
      const number = Number(match[1]);
      const bytes = statSync(join(dir, name)).size;
      old.push(number);
      this.#segments.set(number, { number, bytes, lines: undefined, done: 0, unsavedDone: [], writable: false });
      this.#totalBytes += bytes;
    }
    old.sort((a, b) => a - b);
    this.oldSegments = old;

    this.#current = this.#newSegment((old.at(-1) ?? 0) + 1);
    this.#fd = this.#openSegment(this.#current.number);
    this.#timer = setInterval(() => void this.sync(), options.syncIntervalMs ?? SYNC_INTERVAL_MS);
    this.#timer.unref();
  }

  /**
   * Takes the first slot folder (`<dir>/0`, `<dir>/1`, ...) that no running worker holds, creating
   * it if needed, and starts a new segment there. Several workers on one machine can so share one
   * `--spool-dir`, and a restarted worker takes over the slot and records of a worker that died.
   *
   * @throws SpoolLockedError when all `MAX_SPOOL_SLOTS` slots are held by running workers.
   */
  static open(dir: string, logger: Logger, options: TransactionSpoolOptions = {}): TransactionSpool {
    const { slotDir, lock } = takeFreeSlot(dir);
    try {
      return new TransactionSpool(slotDir, logger, lock, options);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** Position just past the last appended line. */
  get head(): SpoolPosition {
    return { segment: this.#current.number, offset: this.#current.bytes };
  }

  /** Bytes in all segment files, done records included until their segment is deleted. */
  get sizeBytes(): number {
    return this.#totalBytes;
  }

  /** Appends one line with a synchronous write and returns where it starts. */
  append(kind: SpoolLineKind, json: string): SpoolPosition {
    const bytes = Buffer.from(`${kind} ${json}\n`, 'utf8');
    if (this.#current.bytes > 0 && this.#current.bytes + bytes.length > this.#maxSegmentBytes) {
      this.#rotate();
    }

    const position = { segment: this.#current.number, offset: this.#current.bytes };
    let written = 0;
    while (written < bytes.length) {
      written += writeSync(this.#fd, bytes, written);
    }
    this.#current.bytes += bytes.length;
    this.#current.lines! += 1;
    this.#totalBytes += bytes.length;
    this.#unsynced = true;
    return position;
  }

  /**
   * Marks one line as uploaded (or replaced). The caller marks each line at most once, because the
   * spool only counts marks and a second one would delete a segment too early.
   */
  markDone(position: SpoolPosition): void {
    const segment = this.#segments.get(position.segment);
    if (!segment) return;

    segment.done += 1;
    segment.unsavedDone.push(position.offset);
    this.#deleteIfFinished(segment);
  }

  /** Reads a segment left by an earlier process and returns its lines not yet marked done. */
  async readSegment(number: number): Promise<SpoolSegmentContents> {
    const segment = this.#segments.get(number);
    if (!segment || segment.writable) {
      return { segment: number, lines: [], damagedLines: 0 };
    }

    const text = await readFile(this.#segmentPath(number), 'utf8');
    const doneOffsets = await this.#readDoneOffsets(number);
    const { lines, damaged } = parseLines(text, number, 0, true);

    segment.lines = lines.length + damaged;
    segment.done = damaged;
    const pending: SpoolLine[] = [];
    for (const line of lines) {
      if (doneOffsets.has(line.position.offset)) segment.done += 1;
      else pending.push(line);
    }
    if (damaged > 0) {
      this.#logger.warn({ segment: this.#segmentPath(number), damagedLines: damaged }, 'spool segment has unreadable lines; skipping them');
    }
    this.#deleteIfFinished(segment);
    return { segment: number, lines: pending, damagedLines: damaged };
  }

  /**
   * Reads complete lines of this process's segments from `from` on, up to about 256 KiB, and
   * returns them with the position after the last one. At the end of a finished segment the next
   * position is the start of the following segment.
   */
  async readLines(from: SpoolPosition): Promise<{ lines: SpoolLine[]; next: SpoolPosition }> {
    const segment = this.#segments.get(from.segment);
    const end = segment?.bytes ?? 0;
    if (from.offset >= end) {
      const finished = from.segment < this.#current.number;
      return { lines: [], next: finished ? { segment: from.segment + 1, offset: 0 } : from };
    }

    const length = Math.min(end - from.offset, READ_CHUNK_BYTES);
    const handle = await open(this.#segmentPath(from.segment), 'r');
    let chunk: Buffer;
    try {
      chunk = Buffer.alloc(length);
      const { bytesRead } = await handle.read(chunk, 0, length, from.offset);
      chunk = chunk.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }

    const lastNewline = chunk.lastIndexOf(0x0a);
    if (lastNewline === -1) {
      throw new Error(`spool line at ${this.#segmentPath(from.segment)}:${from.offset} is longer than ${READ_CHUNK_BYTES} bytes`);
    }
    const text = chunk.subarray(0, lastNewline + 1).toString('utf8');
    const { lines } = parseLines(text, from.segment, from.offset, false);
    return { lines, next: { segment: from.segment, offset: from.offset + lastNewline + 1 } };
  }

  /** Writes the unsaved done marks and flushes the current segment to disk. */
  sync(): Promise<void> {
    this.#syncing ??= this.#syncOnce().finally(() => {
      this.#syncing = undefined;
    });
    return this.#syncing;
  }

  /** Syncs, closes the current segment and releases the folder's lock. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#syncing;
    await this.#syncOnce();
    closeSync(this.#fd);
    this.#fdClosed = true;
    this.#current.writable = false;
    this.#deleteIfFinished(this.#current);
    this.#lock.release();
  }

  async #syncOnce(): Promise<void> {
    const writes: Promise<void>[] = [];
    for (const segment of this.#segments.values()) {
      if (segment.unsavedDone.length === 0) continue;
      const text = `${segment.unsavedDone.join('\n')}\n`;
      segment.unsavedDone = [];
      writes.push(appendFile(this.#donePath(segment.number), text).catch((error: unknown) => this.#logError(error, segment.number, 'spool done marks could not be saved; the records are uploaded again at restart, which is harmless')));
    }
    if (this.#unsynced && !this.#fdClosed) {
      this.#unsynced = false;
      const fd = this.#fd;
      const segment = this.#current.number;
      writes.push(
        new Promise<void>((resolve) => {
          fdatasync(fd, (error) => {
            if (error) this.#logError(error, segment, 'spool fdatasync failed');
            resolve();
          });
        }),
      );
    }
    await Promise.all(writes);
  }

  #rotate(): void {
    const previous = this.#current;
    const fd = this.#fd;
    // Flush and close the finished segment off the request path.
    fdatasync(fd, () => close(fd, () => undefined));
    previous.writable = false;

    this.#current = this.#newSegment(previous.number + 1);
    this.#fd = this.#openSegment(this.#current.number);
    this.#deleteIfFinished(previous);
  }

  #newSegment(number: number): SegmentState {
    const segment: SegmentState = { number, bytes: 0, lines: 0, done: 0, unsavedDone: [], writable: true };
    this.#segments.set(number, segment);
    return segment;
  }

  #openSegment(number: number): number {
    return openSync(this.#segmentPath(number), 'a');
  }

  #deleteIfFinished(segment: SegmentState): void {
    if (segment.writable || segment.lines === undefined || segment.done < segment.lines) return;

    this.#segments.delete(segment.number);
    this.#totalBytes -= segment.bytes;
    for (const path of [this.#segmentPath(segment.number), this.#donePath(segment.number)]) {
      unlink(path).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.#logError(error, segment.number, 'finished spool file could not be deleted');
      });
    }
  }

  async #readDoneOffsets(number: number): Promise<Set<number>> {
    let text: string;
    try {
      text = await readFile(this.#donePath(number), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
      throw error;
    }
    return new Set(text.split('\n').filter((line) => /^\d+$/.test(line)).map(Number));
  }

  #logError(error: unknown, segment: number, message: string): void {
    this.#logger.error({ err: error, segment: this.#segmentPath(segment) }, message);
  }

  #segmentPath(number: number): string {
    return join(this.dir, `${String(number).padStart(10, '0')}.seg`);
  }

  #donePath(number: number): string {
    return join(this.dir, `${String(number).padStart(10, '0')}.done`);
  }
}

function takeFreeSlot(dir: string): { slotDir: string; lock: SpoolLock } {
  let lastError: unknown;
  for (let slot = 0; slot < MAX_SPOOL_SLOTS; slot += 1) {
    const slotDir = join(dir, String(slot));
    mkdirSync(slotDir, { recursive: true });
    try {
      return { slotDir, lock: acquireSpoolLock(slotDir) };
    } catch (error) {
      if (!(error instanceof SpoolLockedError)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

/**
 * Splits spool text into lines with their byte offsets. With `final`, trailing bytes without a
 * line break (a write cut short) count as one damaged line; lines without a known kind too.
 */
function parseLines(text: string, segment: number, startOffset: number, final: boolean): { lines: SpoolLine[]; damaged: number } {
  const lines: SpoolLine[] = [];
  let damaged = 0;
  let offset = startOffset;
  let start = 0;

  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    if (newline === -1) {
      if (final) damaged += 1;
      break;
    }
    const line = text.slice(start, newline);
    const kind = line[0];
    if ((kind === 'R' || kind === 'F') && line[1] === ' ') {
      lines.push({ position: { segment, offset }, kind, json: line.slice(2) });
    } else {
      damaged += 1;
    }
    offset += Buffer.byteLength(line, 'utf8') + 1;
    start = newline + 1;
  }
  return { lines, damaged };
}
