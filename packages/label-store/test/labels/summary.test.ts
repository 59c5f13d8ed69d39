import { describe, expect, it } from 'vitest';

import { answerCountsByImage, imagesLabeledBy, summarizeLabels, type SummarizedAnswer } from '../../src/labels/summary.js';

/** Builds answers from `image:label:annotator` shorthand, such as `a:1:ann`. */
function answers(...specs: string[]): SummarizedAnswer[] {
  return specs.map((spec) => {
    const [image, label, annotator] = spec.split(':') as [string, string, string];
    return { image, label: label === '1' ? 1 : 0, annotator };
  });
}

describe('summarizeLabels', () => {
  it.each([
    ['unanimous hot dog', answers('a:1:x', 'a:1:y', 'a:1:z'), { answers: 3, hotDog: 3, notHotDog: 0, majority: 1, agreement: 1 }],
    ['unanimous not', answers('a:0:x'), { answers: 1, hotDog: 0, notHotDog: 1, majority: 0, agreement: 1 }],
    ['tie', answers('a:1:x', 'a:0:y'), { answers: 2, hotDog: 1, notHotDog: 1, majority: 'tie', agreement: 0.5 }],
    ['mixed hot dog', answers('a:1:x', 'a:1:y', 'a:0:z'), { answers: 3, hotDog: 2, notHotDog: 1, majority: 1, agreement: 2 / 3 }],
    ['mixed not', answers('a:0:x', 'a:0:y', 'a:0:z', 'a:1:w'), { answers: 4, hotDog: 1, notHotDog: 3, majority: 0, agreement: 0.75 }],
    ['same annotator twice', answers('a:1:x', 'a:0:x', 'a:1:x'), { answers: 3, hotDog: 2, notHotDog: 1, majority: 1, agreement: 2 / 3 }],
  ])('image %s', (_case, input, expected) => {
    expect(summarizeLabels(input).images).toEqual([{ image: 'a', ...expected }]);
  });

  it.each([
    ['no answers', [], { answers: 0, images: 0, annotators: 0, agreement: null }],
    ['one answer', answers('a:1:x'), { answers: 1, images: 1, annotators: 1, agreement: 1 }],
    // a: 2 of 3 agree, b: tie counts 1 of 2, c: 1 of 1, so 4 of 6.
    ['mixed images', answers('a:1:x', 'a:1:y', 'a:0:z', 'b:1:x', 'b:0:y', 'c:0:x'), { answers: 6, images: 3, annotators: 3, agreement: 4 / 6 }],
    ['only ties', answers('a:1:x', 'a:0:y', 'b:0:x', 'b:1:y'), { answers: 4, images: 2, annotators: 2, agreement: 0.5 }],
    ['names compared exactly', answers('a:1:José', 'a:1:Jose\u0301', 'a:1:jose'), { answers: 3, images: 1, annotators: 3, agreement: 1 }],
  ])('overall %s', (_case, input, expected) => {
    expect(summarizeLabels(input).overall).toEqual(expected);
  });

  it('orders images by id', () => {
    expect(summarizeLabels(answers('c:1:x', 'a:1:x', 'b:1:x')).images.map((image) => image.image)).toEqual(['a', 'b', 'c']);
  });

  it('overall weights images by answers', () => {
    // a: 9 of 10 agree, b: 1 of 1, so 10 of 11, not the mean of 0.9 and 1.
    const input = [...answers(...Array.from({ length: 9 }, (_, index) => `a:1:u${index}`)), ...answers('a:0:v', 'b:1:x')];

    expect(summarizeLabels(input).overall.agreement).toBe(10 / 11);
  });
});

describe('answer helpers', () => {
  const input = answers('a:1:x', 'a:0:y', 'b:1:x', 'a:1:x');

  it('answerCountsByImage counts', () => {
    expect(answerCountsByImage(input)).toEqual(new Map([['a', 3], ['b', 1]]));
  });

  it('answerCountsByImage of none', () => {
    expect(answerCountsByImage([]).size).toBe(0);
  });

  it.each([
    ['x', ['a', 'b']],
    ['y', ['a']],
    ['z', []],
  ])('imagesLabeledBy %s', (annotator, expected) => {
    expect(imagesLabeledBy(input, annotator)).toEqual(new Set(expected));
  });
});
