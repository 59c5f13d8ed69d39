import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { CatalogImage } from '../../src/images/catalog.js';
import { MAX_SAMPLE_COUNT, sampleImages } from '../../src/images/sample.js';
import { SampleIndex } from '../../src/images/sample-index.js';
import { seededRandom } from './image-bytes.js';

function makeImages(count: number): CatalogImage[] {
  return Array.from({ length: count }, (_, index) => {
    const id = index.toString(16).padStart(64, '0');
    return { id, key: `images/${id}.jpg`, contentType: 'image/jpeg', size: 1000 };
  });
}

/** Answer count and tier of each picked image: equal for two samplers that apply the same order. */
function pickedRanks(picked: readonly CatalogImage[], counts: ReadonlyMap<string, number>, needs: ReadonlySet<string> | undefined): string[] {
  return picked.map((image) => `${needs === undefined || needs.has(image.id) ? 0 : 1}:${Math.max(0, counts.get(image.id) ?? 0)}`).sort();
}

describe('SampleIndex', () => {
  it('agrees with sampleImages on random inputs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 60, maxLength: 60 }),
        fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
        fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 10 }),
        fc.integer(),
        (size, counts, labeledFlags, needsFlags, withNeeds, count, seed) => {
          const images = makeImages(size);
          const answerCounts = new Map(images.map((image, index) => [image.id, counts[index] as number]));
          const labeledByAnnotator = new Set(images.filter((_, index) => labeledFlags[index]).map((image) => image.id));
          const needsMoreLabels = withNeeds ? new Set(images.filter((_, index) => needsFlags[index]).map((image) => image.id)) : undefined;

          const expected = sampleImages({ images, answerCounts, labeledByAnnotator, needsMoreLabels, count, random: seededRandom(seed) });
          const actual = new SampleIndex({ images, answerCounts, needsMoreLabels }).sample({ labeledByAnnotator, count, random: seededRandom(seed) });

          expect(actual.remaining).toBe(expected.remaining);
          expect(pickedRanks(actual.images, answerCounts, needsMoreLabels)).toEqual(pickedRanks(expected.images, answerCounts, needsMoreLabels));
          expect(new Set(actual.images.map((image) => image.id)).size).toBe(actual.images.length);
          expect(actual.images.some((image) => labeledByAnnotator.has(image.id))).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds the last unlabeled image of a large group', () => {
    const images = makeImages(1_000);
    const labeledByAnnotator = new Set(images.slice(1).map((image) => image.id));
    const index = new SampleIndex({ images, answerCounts: new Map() });

    const sample = index.sample({ labeledByAnnotator, count: 4, random: seededRandom(3) });

    expect(sample.images.map((image) => image.id)).toEqual([images[0]!.id]);
    expect(sample.remaining).toBe(1);
  });

  it('picks uniformly among ties', () => {
    const images = makeImages(10);
    const index = new SampleIndex({ images, answerCounts: new Map() });
    const random = seededRandom(7);
    const hits = new Map<string, number>();

    for (let round = 0; round < 5_000; round++) {
      for (const image of index.sample({ labeledByAnnotator: new Set([images[0]!.id]), count: 2, random }).images) {
        hits.set(image.id, (hits.get(image.id) ?? 0) + 1);
      }
    }

    expect(hits.has(images[0]!.id)).toBe(false);
    // 10,000 picks over 9 images: about 1,111 each, with a standard deviation of about 31.
    for (const image of images.slice(1)) {
      expect(hits.get(image.id)).toBeGreaterThan(950);
      expect(hits.get(image.id)).toBeLessThan(1_280);
    }
  });

  it('counts repeated catalog entries once', () => {
    const images = makeImages(3);
    const index = new SampleIndex({ images: [...images, ...images], answerCounts: new Map() });

    expect(index.size).toBe(3);
    expect(index.sample({ labeledByAnnotator: new Set(), count: 10 }).images).toHaveLength(3);
  });

  it.each([0, MAX_SAMPLE_COUNT + 1, 1.5])('rejects count %s', (count) => {
    const index = new SampleIndex({ images: makeImages(3), answerCounts: new Map() });

    expect(() => index.sample({ labeledByAnnotator: new Set(), count })).toThrow(/count/);
  });

  it('rejects random() returning 1', () => {
    const index = new SampleIndex({ images: makeImages(3), answerCounts: new Map() });

    expect(() => index.sample({ labeledByAnnotator: new Set(), random: () => 1 })).toThrow(/random\(\)/);
  });
});
