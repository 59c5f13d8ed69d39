import { createHash } from 'node:crypto';

/** Part of a training set: fitted on (`train`) or held out to measure the model (`val`). */
export type Split = 'train' | 'val';

/** An image to place in a split. */
export interface SplitItem {
  id: string;
  label: 0 | 1;
}

/**
 * Returns a number in [0, 1) from the SHA-256 of `seed:id`. Each image's value depends only on
 * the seed and its own id, so adding or removing other images does not move it.
 */
export function splitPoint(seed: number, id: string): number {
  return createHash('sha256').update(`${seed}:${id}`).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * Assigns each image to `train` or `val`, deterministically for one seed. Each class is split on
 * its own, and an image goes to `val` when its split point is below `valShare`. A class with at
 * least two images and a share strictly between 0 and 1 then gets no empty split. When its
 * `val` is empty, the image with the lowest point moves there. When its `train` is empty, the
 * image with the highest point moves there.
 */
export function assignSplits(items: readonly SplitItem[], valShare: number, seed: number): Map<string, Split> {
  const splits = new Map<string, Split>();
  for (const label of [1, 0] as const) {
    const ranked = items
      .filter((item) => item.label === label)
      .map((item) => ({ id: item.id, point: splitPoint(seed, item.id) }))
      .sort((a, b) => a.point - b.point || (a.id < b.id ? -1 : 1));
    for (const item of ranked) {
      splits.set(item.id, item.point < valShare ? 'val' : 'train');
    }

    const first = ranked[0];
    const last = ranked.at(-1);
    if (first === undefined || last === undefined || ranked.length < 2 || valShare <= 0 || valShare >= 1) {
      continue;
    }
    if (!ranked.some((item) => splits.get(item.id) === 'val')) {
      splits.set(first.id, 'val');
    }
    if (!ranked.some((item) => splits.get(item.id) === 'train')) {
      splits.set(last.id, 'train');
    }
  }
  return splits;
}
