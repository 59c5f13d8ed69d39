import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import type { ConsensusImage } from './_consensus-response.js';
import { assignSplits, type Split } from './_dataset-split.js';
import { CliError, EXIT_FAILURE } from './cli-error.js';
import type { LabelClient } from './label-client.js';
import { WorkerRequestError } from './worker-request-error.js';

/** Class folder names, the layout that image-folder loaders such as torchvision's `ImageFolder` read. */
export const CLASS_FOLDERS = { 1: 'hotdog', 0: 'not_hotdog' } as const;

export const SPLITS: readonly Split[] = ['train', 'val'];

/** The manifest written at the top of the output folder. */
export const MANIFEST_FILE = 'manifest.csv';
export const MANIFEST_COLUMNS = ['file', 'image', 'split', 'label', 'class', 'confidence', 'sha256', 'bytes'] as const;

/** Downloads in flight at once: enough to hide request latency, few enough not to crowd one worker. */
export const DOWNLOAD_CONCURRENCY = 4;

/** Pauses before the second and third attempt of a download after a network error, a timeout or a 5xx response. */
export const DOWNLOAD_RETRY_DELAYS_MS: readonly number[] = [500, 1_000];

const EXTENSIONS: Readonly<Record<string, string>> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif' };

/** A file that this export writes: the image id and the extension of its type. */
const EXPORTED_FILE = /^([0-9a-f]{64})\.(jpg|png|webp|gif)$/;

export interface ImageFolderOptions {
  client: LabelClient;
  outDir: string;
  /** Images whose confidence is below this are left out. */
  minConfidence: number;
  /** Share of each class that goes to `val`, from 0 to 1. */
  valShare: number;
  seed: number;
  /** Called once with the number of images to place, then after each one. */
  onProgress?: (done: number, total: number) => void;
  /** Waits between download attempts; tests pass one that does not wait. */
  wait?: (ms: number) => Promise<void>;
}

export interface ImageFolderResult {
  /** Images in the folder tree and the manifest. */
  exported: number;
  counts: Record<Split, { hotDog: number; notHotDog: number }>;
  /** Images fetched from the worker because no copy existed. */
  downloaded: number;
  /** Images whose file was already in place with the right checksum. */
  alreadyPresent: number;
  /** Images fetched again because the file in place had another checksum. */
  repaired: number;
  /** Images moved from another class or split folder of an earlier run. */
  moved: number;
  /** Images of earlier runs whose files were removed because they are no longer exported. */
  removed: number;
  /** Images with votes whose confidence is below `minConfidence`. */
  leftOut: number;
  failures: { id: string; message: string }[];
}

interface Placed {
  file: string;
  image: ConsensusImage;
  split: Split;
  bytes: number;
  outcome: 'downloaded' | 'present' | 'repaired' | 'moved';
}

/**
 * Exports the consolidated labels as an image-folder training set:
 * `OUT/{train,val}/{hotdog,not_hotdog}/<id>.<ext>` plus `OUT/manifest.csv`.
 *
 * The export resumes. An image id is the SHA-256 of its content, so a file already in place
 * whose SHA-256 equals its id is kept, and a file with another checksum is fetched again. A valid
 * file in another class or split folder, left there before its label or split changed, is moved.
 * Files named like exported images that no longer belong to the export are removed, and other
 * files are left alone. Every downloaded body is checked against its id before it is written
 * through a temporary file and a rename.
 *
 * @throws WorkerRequestError when the consensus cannot be fetched.
 * @throws CliError `OUTPUT_FAILED` when a folder or the manifest cannot be written.
 */
export async function exportImageFolder(options: ImageFolderOptions): Promise<ImageFolderResult> {
  const { consensus } = await options.client.getConsensus();
  const confident = consensus.images.filter((image) => image.confidence >= options.minConfidence);
  const splits = assignSplits(confident.map((image) => ({ id: image.image, label: image.label })), options.valShare, options.seed);

  await createFolders(options.outDir);
  const existing = await scanExported(options.outDir);

  const placed: Placed[] = [];
  const failures: ImageFolderResult['failures'] = [];
  let done = 0;
  options.onProgress?.(0, confident.length);
  await runPool(confident, DOWNLOAD_CONCURRENCY, async (image) => {
    try {
      placed.push(await placeImage(options, image, splits.get(image.image) as Split, existing.get(image.image) ?? []));
    } catch (error) {
      failures.push({ id: image.image, message: error instanceof Error ? error.message : String(error) });
    }
    done += 1;
    options.onProgress?.(done, confident.length);
  });

  const exportedIds = new Set(confident.map((image) => image.image));
  let removed = 0;
  for (const [id, files] of existing) {
    if (exportedIds.has(id)) continue;
    for (const file of files) await rm(join(options.outDir, file), { force: true });
    removed += 1;
  }

  placed.sort((a, b) => compareText(a.file, b.file));
  await writeManifest(options.outDir, placed);
  return summarize(placed, failures, removed, consensus.images.length - confident.length);
}

async function createFolders(outDir: string): Promise<void> {
  for (const split of SPLITS) {
    for (const name of Object.values(CLASS_FOLDERS)) {
      const folder = join(outDir, split, name);
      try {
        await mkdir(folder, { recursive: true });
      } catch (error) {
        throw outputError(folder, error);
      }
    }
  }
}

/** Lists the exported files of earlier runs by image id, as paths relative to `outDir` with `/`. */
async function scanExported(outDir: string): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  for (const split of SPLITS) {
    for (const name of Object.values(CLASS_FOLDERS)) {
      for (const entry of await readdir(join(outDir, split, name))) {
        const match = EXPORTED_FILE.exec(entry);
        if (match === null) continue;
        const id = match[1] as string;
        found.set(id, [...(found.get(id) ?? []), `${split}/${name}/${entry}`]);
      }
    }
  }
  return found;
}

async function placeImage(options: ImageFolderOptions, image: ConsensusImage, split: Split, copies: readonly string[]): Promise<Placed> {
  const folder = `${split}/${CLASS_FOLDERS[image.label]}`;
  const valid: string[] = [];
  for (const file of copies) {
    if (await hasChecksum(join(options.outDir, file), image.image)) valid.push(file);
  }

  let file = valid.find((candidate) => dirname(candidate) === folder);
  let outcome: Placed['outcome'] = 'present';
  if (file === undefined && valid[0] !== undefined) {
    file = `${folder}/${valid[0].slice(valid[0].lastIndexOf('/') + 1)}`;
    await rename(join(options.outDir, valid[0]), join(options.outDir, file));
    outcome = 'moved';
  }
  if (file === undefined) {
    const download = await downloadImage(options, image.image);
    file = `${folder}/${image.image}.${download.extension}`;
    await writeAtomically(join(options.outDir, file), download.bytes);
    outcome = copies.length > 0 ? 'repaired' : 'downloaded';
  }

  // Other copies are stale (another folder or extension) or corrupt.
  for (const other of copies) {
    if (other !== file) await rm(join(options.outDir, other), { force: true });
  }
  const bytes = (await readFile(join(options.outDir, file))).byteLength;
  return { file, image, split, bytes, outcome };
}

async function downloadImage(options: ImageFolderOptions, id: string): Promise<{ bytes: Uint8Array; extension: string }> {
  const wait = options.wait ?? ((ms: number) => sleep(ms));
  for (let attempt = 0; ; attempt += 1) {
    try {
      const image = await options.client.fetchImage(`/v1/images/${id}`);
      const checksum = sha256(image.bytes);
      if (checksum !== id) {
        throw new Error(`image ${id} arrived with SHA-256 ${checksum}; the worker sent other bytes than the id names, so the file was not written`);
      }
      const extension = EXTENSIONS[image.contentType.split(';')[0]?.trim() ?? ''];
      if (extension === undefined) {
        throw new Error(`image ${id} has the unsupported content type "${image.contentType}"; expected JPEG, PNG, WebP or GIF`);
      }
      return { bytes: image.bytes, extension };
    } catch (error) {
      const delay = DOWNLOAD_RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !isRetryable(error)) throw error;
      await wait(delay);
    }
  }
}

function isRetryable(error: unknown): boolean {
  if (!(error instanceof WorkerRequestError)) return false;
  return error.code === 'WORKER_UNREACHABLE' || error.code === 'WORKER_TIMEOUT' || (error.status ?? 0) >= 500;
}

async function hasChecksum(path: string, id: string): Promise<boolean> {
  try {
    return sha256(await readFile(path)) === id;
  } catch {
    // Unreadable or gone: treat as missing, so it is fetched again.
    return false;
  }
}

async function writeAtomically(path: string, body: Uint8Array | string): Promise<void> {
  const temporary = join(dirname(path), `.${path.slice(path.lastIndexOf('/') + 1)}.part`);
  try {
    await writeFile(temporary, body);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw outputError(path, error);
  }
}

async function writeManifest(outDir: string, placed: readonly Placed[]): Promise<void> {
  const rows = placed.map((entry) =>
    [
      entry.file,
      entry.image.image,
      entry.split,
      String(entry.image.label),
      CLASS_FOLDERS[entry.image.label],
      entry.image.confidence.toFixed(6),
      entry.image.image,
      String(entry.bytes),
    ].join(','),
  );
  // Every field is a fixed word, a number, a hex id or a path of those, so none needs quoting.
  await writeAtomically(join(outDir, MANIFEST_FILE), [MANIFEST_COLUMNS.join(','), ...rows].map((row) => `${row}\r\n`).join(''));
}

function summarize(placed: readonly Placed[], failures: ImageFolderResult['failures'], removed: number, leftOut: number): ImageFolderResult {
  const counts = { train: { hotDog: 0, notHotDog: 0 }, val: { hotDog: 0, notHotDog: 0 } };
  const outcomes = { downloaded: 0, present: 0, repaired: 0, moved: 0 };
  for (const entry of placed) {
    if (entry.image.label === 1) counts[entry.split].hotDog += 1;
    else counts[entry.split].notHotDog += 1;
    outcomes[entry.outcome] += 1;
  }
  return {
    exported: placed.length,
    counts,
    downloaded: outcomes.downloaded,
    alreadyPresent: outcomes.present,
    repaired: outcomes.repaired,
    moved: outcomes.moved,
    removed,
    leftOut,
    failures,
  };
}

async function runPool<Item>(items: readonly Item[], concurrency: number, work: (item: Item) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next] as Item;
      next += 1;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

function compareText(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function outputError(path: string, error: unknown): CliError {
  const reason = (error as { code?: unknown } | null)?.code ?? (error instanceof Error ? error.message : String(error));
  return new CliError('OUTPUT_FAILED', `cannot write ${path} (${String(reason)}); check that the folder is writable and has free space`, EXIT_FAILURE);
}
