import { describe, expect, it } from 'vitest';

import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
import { DEFAULT_MAX_ANSWERS, validateAnswers } from '../../src/labels/answers.js';
import { LabelInputError } from '../../src/labels/label-input-error.js';

const IMAGE = 'a'.repeat(64);
const ID = '0b9e4c1e-5c7a-4f4e-9a57-2f1d3b8c6e01';

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, but none was thrown');
}

describe('validateAnswers', () => {
  it('accepts a list', () => {
    const answers = [
      { answerId: ID, image: IMAGE, label: 1 },
      { answerId: '6BA7B810-9DAD-11D1-80B4-00C04FD430C8', image: 'b'.repeat(64), label: 0 },
    ];

    expect(validateAnswers(answers)).toEqual([
      { answerId: ID, image: IMAGE, label: 1 },
      { answerId: '6ba7b810-9dad-11d1-80b4-00c04fd430c8', image: 'b'.repeat(64), label: 0 },
    ]);
  });

  it.each([
    ['nil UUID', '00000000-0000-0000-0000-000000000000'],
    ['version 7', '01890a5d-ac96-774b-bcce-b302099a8057'],
    ['upper case', ID.toUpperCase()],
  ])('accepts answer id %s', (_case, answerId) => {
    expect(validateAnswers([{ answerId, image: IMAGE, label: 0 }])[0]?.answerId).toBe(answerId.toLowerCase());
  });

  it('accepts the maximum count', () => {
    const answers = Array.from({ length: DEFAULT_MAX_ANSWERS }, (_, index) => ({
      answerId: `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`,
      image: IMAGE,
      label: 1,
    }));

    expect(validateAnswers(answers)).toHaveLength(DEFAULT_MAX_ANSWERS);
  });

  const valid = { answerId: ID, image: IMAGE, label: 1 };
  it.each([
    ['not an array', { answers: [] }, 'INVALID_ANSWERS', 'answers', 'must be an array'],
    ['null', null, 'INVALID_ANSWERS', 'answers', 'must be an array'],
    ['empty list', [], 'INVALID_ANSWERS', 'answers', 'send 1 to 100 answers'],
    ['entry not an object', [valid, 'x'], 'INVALID_ANSWERS', 'answers[1]', 'must be an object'],
    ['entry is an array', [[ID, IMAGE, 1]], 'INVALID_ANSWERS', 'answers[0]', 'must be an object'],
    ['unknown field', [{ ...valid, imageId: IMAGE }], 'INVALID_ANSWERS', 'answers[0].imageId', 'is not an answer field'],
    ['missing answer id', [{ image: IMAGE, label: 1 }], 'INVALID_ANSWER_ID', 'answers[0].answerId', 'must be a UUID'],
    ['answer id not UUID', [{ ...valid, answerId: 'abc' }], 'INVALID_ANSWER_ID', 'answers[0].answerId', 'got "abc"'],
    ['answer id with braces', [{ ...valid, answerId: `{${ID}}` }], 'INVALID_ANSWER_ID', 'answers[0].answerId', 'must be a UUID'],
    ['answer id number', [{ ...valid, answerId: 7 }], 'INVALID_ANSWER_ID', 'answers[0].answerId', 'got 7'],
    ['repeated answer id', [valid, { ...valid, answerId: ID.toUpperCase() }], 'INVALID_ANSWER_ID', 'answers[1].answerId', 'repeats answers[0].answerId'],
    ['image too short', [{ ...valid, image: 'abc' }], 'UNKNOWN_IMAGE', 'answers[0].image', '64 lowercase hex'],
    ['image upper case', [{ ...valid, image: 'A'.repeat(64) }], 'UNKNOWN_IMAGE', 'answers[0].image', '64 lowercase hex'],
    ['image missing', [{ answerId: ID, label: 1 }], 'UNKNOWN_IMAGE', 'answers[0].image', 'got undefined'],
    ['label string', [{ ...valid, label: '1' }], 'INVALID_LABEL', 'answers[0].label', 'got "1" (a string)'],
    ['label true', [{ ...valid, label: true }], 'INVALID_LABEL', 'answers[0].label', 'got true (a boolean)'],
    ['label 2', [{ ...valid, label: 2 }], 'INVALID_LABEL', 'answers[0].label', 'got 2'],
    ['label 0.5', [{ ...valid, label: 0.5 }], 'INVALID_LABEL', 'answers[0].label', 'got 0.5'],
    ['label null', [{ ...valid, label: null }], 'INVALID_LABEL', 'answers[0].label', 'got null'],
    ['label in third answer', [valid, { ...valid, answerId: ID.replace('01', '02') }, { ...valid, answerId: ID.replace('01', '03'), label: 'yes' }], 'INVALID_LABEL', 'answers[2].label', 'must be the number 1 (hot dog) or 0'],
  ])('rejects %s', (_case, value, code, field, rule) => {
    const error = thrownBy(() => validateAnswers(value));

    expect(error).toBeInstanceOf(LabelInputError);
    expect(error).toMatchObject({ code, field });
    expect((error as Error).message).toContain(field);
    expect((error as Error).message).toContain(rule);
  });

  it('rejects more than maxAnswers', () => {
    const error = thrownBy(() => validateAnswers([valid, { ...valid, answerId: ID.replace('01', '02') }], { maxAnswers: 1 }));

    expect(error).toMatchObject({ code: 'INVALID_ANSWERS', field: 'answers', details: { limit: 1, actual: 2 } });
  });

  it('reports the index', () => {
    const error = thrownBy(() => validateAnswers([valid, { ...valid, answerId: 'x' }])) as LabelInputError;

    expect(error.details.index).toBe(1);
    expect(error.details.value).toBe('x');
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects maxAnswers %s', (maxAnswers) => {
    expect(() => validateAnswers([valid], { maxAnswers })).toThrow(InvalidArgumentError);
  });

  it('stores label -0 as 0', () => {
    expect(Object.is(validateAnswers([{ ...valid, label: -0 }])[0]?.label, 0)).toBe(true);
  });
});
