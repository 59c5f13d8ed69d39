import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { ObjectStore } from '../object-store.js';
import type { ImageCatalog } from './catalog.js';
import { DemoImagesError } from './demo-images-error.js';
import { storeImage, type StoredImage } from './store-image.js';

/** Uploader recorded in the metadata of the demo images. */
export const DEMO_UPLOADER = 'demo';

const PACKAGE_NAME = '@hotdog-lab/label-store';
const DEMO_FOLDER = 'demo-images';
const MANIFEST_FILE = 'manifest.csv';

/**
 * Folders searched above this module for the package root. The module sits one level below it
 * in the build (`dist/index.js`) and two in the sources (`src/images/demo-images.ts`).
 */
const MAX_PARENT_LEVELS = 4;

// A plain file name in the demo folder: no path separators, so a manifest row cannot point elsewhere.
const DEMO_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** One row of the demo manifest: an image file and whether it shows a hot dog (1) or not (0). */
export interface DemoImage {
  file: string;
  truth: 0 | 1;
}

/** A demo image with the result of storing it. */
export interface SeededDemoImage extends DemoImage {
  image: StoredImage;
}

export interface SeedDemoImagesResult {
  /** Images stored by this call. */
  added: number;
  /** Images that were already in the store. */
  existing: number;
  /** Every manifest row with its stored image, in manifest order, to map demo files to image ids. */
  images: SeededDemoImage[];
}

let cachedDir: string | undefined;

/**
 * Returns the absolute path of the package's `demo-images` folder: 24 synthetic 384x384 JPEGs
 * (12 hot dogs), `manifest.csv` and `ATTRIBUTION.md` (CC0). The folder is found by walking up
 * from this module to the `package.json` named `@hotdog-lab/label-store`, which works from the
 * sources, from the ESM and CJS builds, and from an installed copy.
 *
 * @throws DemoImagesError (`DEMO_IMAGES_NOT_FOUND`) when no such package root has the folder.
 */
export function demoImagesDir(): string {
  cachedDir ??= findDemoImagesDir(dirname(fileURLToPath(import.meta.url)));
  return cachedDir;
}

/**
 * Reads `manifest.csv` from the demo folder: a `file,truth` header, then one row per image.
 *
 * @throws DemoImagesError (`INVALID_DEMO_MANIFEST`) naming the line when a row is malformed or repeats a file.
 */
export async function readDemoManifest(): Promise<DemoImage[]> {
  const path = join(demoImagesDir(), MANIFEST_FILE);
  return parseDemoManifest(await readFile(path, 'utf8'), path);
}

/**
 * Stores every demo image that the store does not have yet, through `storeImage` with uploader
 * `demo` and the demo file name. Images already stored count as `existing`, so a second run
 * adds nothing. Each image is also added to `catalog` when one is given.
 */
export async function seedDemoImages(
  store: ObjectStore,
  options: { catalog?: ImageCatalog } = {},
): Promise<SeedDemoImagesResult> {
  const dir = demoImagesDir();
  const manifest = await readDemoManifest();
  const images: SeededDemoImage[] = [];

  // One at a time: the files are small, and the store receives no burst of parallel writes.
  for (const entry of manifest) {
    const image = await storeImage(store, createReadStream(join(dir, entry.file)), {
      uploader: DEMO_UPLOADER,
      fileName: entry.file,
    });
    options.catalog?.add(image);
    images.push({ ...entry, image });
  }

  const added = images.filter((seeded) => seeded.image.created).length;
  return { added, existing: images.length - added, images };
}

function findDemoImagesDir(start: string): string {
  let current = start;
  for (let level = 0; level <= MAX_PARENT_LEVELS; level++) {
    if (isThisPackageRoot(current) && existsSync(join(current, DEMO_FOLDER))) return join(current, DEMO_FOLDER);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  throw new DemoImagesError(
    'DEMO_IMAGES_NOT_FOUND',
    start,
    `no "${DEMO_FOLDER}" folder found in a ${PACKAGE_NAME} package root within ${MAX_PARENT_LEVELS} folders above ${start}; ` +
      `reinstall ${PACKAGE_NAME}, whose package includes the folder`,
  );
}

function isThisPackageRoot(dir: string): boolean {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
    return manifest.name === PACKAGE_NAME;
  } catch {
    // No package.json here, or not JSON: keep walking up.
    return false;
  }
}

/**
 * Parses the text of a demo manifest; `path` only names the file in errors.
 *
 * @throws DemoImagesError (`INVALID_DEMO_MANIFEST`) naming the line when the header is not
 * `file,truth`, a row is not `<file name>,<0 or 1>`, or a file is listed twice.
 */
export function parseDemoManifest(text: string, path: string): DemoImage[] {
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  if (lines[0] !== 'file,truth') {
    throw manifestError(path, 1, `the header must be "file,truth", found ${JSON.stringify(lines[0])}`);
  }

  const entries: DemoImage[] = [];
  const seen = new Set<string>();
  for (const [index, line] of lines.entries()) {
    if (index === 0 || line === '') continue;

    const [file = '', truth, ...extra] = line.split(',');
    if (!DEMO_FILE_NAME.test(file) || (truth !== '0' && truth !== '1') || extra.length > 0) {
      throw manifestError(path, index + 1, `expected "<file name>,<0 or 1>", found ${JSON.stringify(line)}`);
    }
    if (seen.has(file)) throw manifestError(path, index + 1, `${file} is listed twice`);
    seen.add(file);
    entries.push({ file, truth: truth === '1' ? 1 : 0 });
  }
  return entries;
}

function manifestError(path: string, line: number, problem: string): DemoImagesError {
  return new DemoImagesError('INVALID_DEMO_MANIFEST', path, `invalid demo manifest ${path}, line ${line}: ${problem}; fix the file or run make-demo-images.sh again`);
}
