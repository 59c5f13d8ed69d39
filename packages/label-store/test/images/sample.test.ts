import { describe, expect, it } from 'vitest';

import type { CatalogImage } from '../../src/images/catalog.js';
import { DEFAULT_SAMPLE_COUNT, MAX_SAMPLE_COUNT, sampleImages } from '../../src/images/sample.js';
import { seededRandom } from './image-bytes.js';

function makeImages(count: number): CatalogImage[] {
  return Array.from({ length: count }, (_, index) => {
    const id = index.toString(16).padStart(64, '0');
    return { id, key: `images/${id}.jpg`, contentType: 'image/jpeg', size: 1000 };
  });
}

const ids = (images: readonly CatalogImage[]) => images.map((image) => image.id);
const none = new Set<string>();
const noAnswers = new Map<string, number>();

describe('sampleImages', () => {
  it('prefers the fewest answers', () => {
    const images = makeImages(8);
    const counts = [0, 0, 1, 1, 5, 5, 5, 5];
    const answerCounts = new Map(images.map((image, index) => [image.id, counts[index] as number]));

    for (let seed = 0; seed < 20; seed++) {
      const sample = sampleImages({ images, answerCounts, labeledByAnnotator: none, count: 4, random: seededRandom(seed) });
      expect(new Set(ids(sample.images))).toEqual(new Set(ids(images.slice(0, 4))));
    }
  });

  it('fills from the next lowest count', () => {
    const images = makeImages(6);
    // Counts 7, 3, 9, 3, 12, 2: the two lowest groups are {5} with 2 and {1, 3} with 3.
    const counts = [7, 3, 9, 3, 12, 2];
    const answerCounts = new Map(images.map((image, index) => [image.id, counts[index] as number]));

    const sample = sampleImages({ images, answerCounts, labeledByAnnotator: none, count: 3, random: seededRandom(1) });

    expect(new Set(ids(sample.images))).toEqual(new Set([images[5]?.id, images[1]?.id, images[3]?.id]));
  });

  it('never returns an image the annotator labeled', () => {
    const images = makeImages(10);
    // The labeled images have the fewest answers, so a sampler that ignored the set would pick them.
    const labeled = new Set(ids(images.slice(0, 5)));
    const answerCounts = new Map(images.map((image, index) => [image.id, index < 5 ? 0 : 3]));

    for (let seed = 0; seed < 50; seed++) {
      const sample = sampleImages({ images, answerCounts, labeledByAnnotator: labeled, count: 3, random: seededRandom(seed) });
      expect(sample.images).toHaveLength(3);
      expect(ids(sample.images).some((id) => labeled.has(id))).toBe(false);
    }
  });

  it('returns distinct images', () => {
    const images = makeImages(5);
    const withDuplicates = [...images, ...images, ...images];

    const sample = sampleImages({ images: withDuplicates, answerCounts: noAnswers, labeledByAnnotator: none, count: 5 });

    expect(new Set(ids(sample.images)).size).toBe(5);
    expect(sample.remaining).toBe(5);
  });

  it('seeded generator gives reproducible picks', () => {
    const images = makeImages(100);

    const first = sampleImages({ images, answerCounts: noAnswers, labeledByAnnotator: none, count: 10, random: seededRandom(42) });
    const second = sampleImages({ images, answerCounts: noAnswers, labeledByAnnotator: none, count: 10, random: seededRandom(42) });

    expect(ids(second.images)).toEqual(ids(first.images));
  });

  it('picks uniformly among ties', () => {
    const images = makeImages(10);
    const answerCounts = new Map(images.map((image, index) => [image.id, index < 5 ? 0 : 1]));
    const draws = 10_000;
    const picks = new Map<string, number>();
    const random = seededRandom(7);

    for (let draw = 0; draw < draws; draw++) {
      const [picked] = sampleImages({ images, answerCounts, labeledByAnnotator: none, count: 1, random }).images;
      picks.set(picked!.id, (picks.get(picked!.id) ?? 0) + 1);
    }

    // Each of the 5 tied images expects 2000 picks with a standard deviation of 40, so ±200 is 5 standard deviations.
    expect([...picks.keys()].sort()).toEqual(ids(images.slice(0, 5)));
    for (const count of picks.values()) {
      expect(count).toBeGreaterThan(1800);
      expect(count).toBeLessThan(2200);
    }
  });

  it('spreads the position in the result', () => {
    const images = makeImages(2);
    const answerCounts = new Map([[images[0]!.id, 0], [images[1]!.id, 1]]);
    const random = seededRandom(3);
    let fewestFirst = 0;

    for (let draw = 0; draw < 1_000; draw++) {
      const sample = sampleImages({ images, answerCounts, labeledByAnnotator: none, count: 2, random });
      if (sample.images[0]?.id === images[0]!.id) fewestFirst += 1;
    }

    expect(fewestFirst).toBeGreaterThan(400);
    expect(fewestFirst).toBeLessThan(600);
  });

  it('returns what is left when fewer remain', () => {
    const images = makeImages(5);
    const labeled = new Set(ids(images.slice(0, 2)));

    const sample = sampleImages({ images, answerCounts: noAnswers, labeledByAnnotator: labeled, count: 4 });

    expect(new Set(ids(sample.images))).toEqual(new Set(ids(images.slice(2))));
    expect(sample.remaining).toBe(3);
  });

  it('returns nothing when all are labeled', () => {
    const images = makeImages(3);

    const sample = sampleImages({ images, answerCounts: noAnswers, labeledByAnnotator: new Set(ids(images)) });

    expect(sample).toEqual({ images: [], remaining: 0 });
  });

  it('returns nothing for no images', () => {
    expect(sampleImages({ images: [], answerCounts: noAnswers, labeledByAnnotator: none })).toEqual({ images: [], remaining: 0 });
  });

  it('remaining counts unlabeled images', () => {
    const images = makeImages(10);
    // An id that is not in the catalog does not lower the count.
    const labeled = new Set([...ids(images.slice(0, 3)), 'f'.repeat(64)]);

    const sample = sampleImages({ images, answerCounts: noAnswers, labeledByAnnotator: labeled });

    expect(sample.images).toHaveLength(DEFAULT_SAMPLE_COUNT);
    expect(sample.remaining).toBe(7);
  });

  it('treats invalid answer counts as zero', () => {
    const images = makeImages(3);
    const answerCounts = new Map([[images[0]!.id, Number.NaN], [images[1]!.id, -4], [images[2]!.id, 1]]);

    const sample = sampleImages({ images, answerCounts, labeledByAnnotator: none, count: 2 });

    expect(new Set(ids(sample.images))).toEqual(new Set(ids(images.slice(0, 2))));
  });

  it('leaves its input unchanged', () => {
    const images = Object.freeze(makeImages(20).map((image) => Object.freeze(image)));
    const before = ids(images);

    sampleImages({ images, answerCounts: noAnswers, labeledByAnnotator: none, count: 20 });

    expect(ids(images)).toEqual(before);
  });

  it('samples 10,000 images by fewest answers', () => {
    const images = makeImages(10_000);
    const random = seededRandom(11);
    const answerCounts = new Map(images.map((image, index) => [image.id, (index * 7919) % 10]));
    const labeled = new Set(ids(images.filter((_, index) => index % 5 === 0)));
    const lowestUnlabeled = Math.min(...images.filter((image) => !labeled.has(image.id)).map((image) => answerCounts.get(image.id) ?? 0));

    for (let draw = 0; draw < 100; draw++) {
      const sample = sampleImages({ images, answerCounts, labeledByAnnotator: labeled, count: 10, random });
      expect(sample.remaining).toBe(8_000);
      expect(sample.images.every((image) => answerCounts.get(image.id) === lowestUnlabeled)).toBe(true);
    }
  });

  it.each([0, -1, MAX_SAMPLE_COUNT + 1, 1.5, Number.NaN])('rejects count %s', (count) => {
    expect(() => sampleImages({ images: makeImages(3), answerCounts: noAnswers, labeledByAnnotator: none, count })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'count' }),
    );
  });

  it('accepts count MAX_SAMPLE_COUNT', () => {
    const sample = sampleImages({ images: makeImages(60), answerCounts: noAnswers, labeledByAnnotator: none, count: MAX_SAMPLE_COUNT });

    expect(sample.images).toHaveLength(MAX_SAMPLE_COUNT);
  });

  it.each([1, -0.1, Number.NaN])('rejects random() returning %s', (value) => {
    expect(() => sampleImages({ images: makeImages(3), answerCounts: noAnswers, labeledByAnnotator: none, random: () => value })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'random' }),
    );
  });
});

describe('sampleImages with needsMoreLabels', () => {
  it('prefers images needing labels over fewer answers', () => {
    const images = makeImages(8);
    // Images 4 to 7 need labels but have more answers than images 0 to 3.
    const answerCounts = new Map(images.map((image, index) => [image.id, index < 4 ? 0 : 3]));
    const needsMoreLabels = new Set(ids(images.slice(4)));

    for (let seed = 0; seed < 20; seed++) {
      const sample = sampleImages({ images, answerCounts, labeledByAnnotator: none, needsMoreLabels, count: 4, random: seededRandom(seed) });
      expect(new Set(ids(sample.images))).toEqual(needsMoreLabels);
    }
  });

  it('orders by fewest answers within the preferred tier', () => {
    const images = makeImages(6);
    const counts = [0, 0, 5, 2, 1, 9];
    const answerCounts = new Map(images.map((image, index) => [image.id, counts[index] as number]));
    const needsMoreLabels = new Set(ids(images.slice(2)));

    const sample = sampleImages({ images, answerCounts, labeledByAnnotator: none, needsMoreLabels, count: 2, random: seededRandom(3) });

    expect(new Set(ids(sample.images))).toEqual(new Set([images[3]?.id, images[4]?.id]));
  });

  it('fills from the other tier by fewest answers', () => {
    const images = makeImages(6);
    const counts = [4, 1, 7, 2, 2, 2];
    const answerCounts = new Map(images.map((image, index) => [image.id, counts[index] as number]));
    const needsMoreLabels = new Set([images[2]?.id as string]);

    const sample = sampleImages({ images, answerCounts, labeledByAnnotator: none, needsMoreLabels, count: 2, random: seededRandom(5) });

    expect(new Set(ids(sample.images))).toEqual(new Set([images[2]?.id, images[1]?.id]));
  });

  it('never returns a labeled image even when it needs labels', () => {
    const images = makeImages(6);
    const labeled = new Set(ids(images.slice(0, 3)));
    const needsMoreLabels = new Set(ids(images.slice(0, 3)));

    for (let seed = 0; seed < 20; seed++) {
      const sample = sampleImages({ images, answerCounts: noAnswers, labeledByAnnotator: labeled, needsMoreLabels, count: 3, random: seededRandom(seed) });
      expect(ids(sample.images).some((id) => labeled.has(id))).toBe(false);
      expect(sample.remaining).toBe(3);
    }
  });

  it('picks at random among equal images', () => {
    const images = makeImages(10);
    const needsMoreLabels = new Set(ids(images));
    const seen = new Set<string>();

    for (let seed = 0; seed < 40; seed++) {
      const sample = sampleImages({ images, answerCounts: noAnswers, labeledByAnnotator: none, needsMoreLabels, count: 1, random: seededRandom(seed) });
      seen.add(sample.images[0]?.id as string);
    }

    expect(seen.size).toBeGreaterThan(5);
  });

  it('samples 10,000 images preferring the set', () => {
    const images = makeImages(10_000);
    const random = seededRandom(7);
    const answerCounts = new Map(images.map((image, index) => [image.id, index % 7]));
    const needsMoreLabels = new Set(ids(images.filter((_, index) => index % 3 === 0)));

    for (let draw = 0; draw < 100; draw++) {
      const sample = sampleImages({ images, answerCounts, labeledByAnnotator: none, needsMoreLabels, count: 10, random });
      expect(sample.images.every((image) => needsMoreLabels.has(image.id) && answerCounts.get(image.id) === 0)).toBe(true);
    }
  });
});
