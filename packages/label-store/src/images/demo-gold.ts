import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { demoImagesDir, readDemoManifest } from './demo-images.js';

/**
 * Returns the true labels of the demo images by image id, read from the demo manifest. Each id is
 * the SHA-256 of the demo file, the same id that `seedDemoImages` stores it under, so the labels
 * apply whether or not this process seeded the images.
 *
 * @throws DemoImagesError when the demo folder or manifest is missing or malformed.
 */
export async function readDemoGoldLabels(): Promise<Map<string, 0 | 1>> {
  const dir = demoImagesDir();
  const labels = new Map<string, 0 | 1>();
  for (const entry of await readDemoManifest()) {
    const bytes = await readFile(join(dir, entry.file));
    labels.set(createHash('sha256').update(bytes).digest('hex'), entry.truth);
  }
  return labels;
}
