import { describe, expect, it } from 'vitest';

import { MAX_ANNOTATOR_CODE_POINTS, validateAnnotator } from '../../src/labels/annotator.js';
import { LabelInputError } from '../../src/labels/label-input-error.js';

/** Runs `action` and returns what it threw, so that each property of the error gets its own assertion. */
function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, but none was thrown');
}

describe('validateAnnotator', () => {
  it.each([
    ['ASCII', 'alice'],
    ['Japanese', '名前'],
    ['accented', 'José'],
    ['inner space', 'Mary Ann'],
    ['emoji with ZWJ', '👩‍🍳 chef'],
    ['Persian with ZWNJ', 'می‌خواهم'],
    ['Arabic', 'مريم'],
    ['leading apostrophe', "'quoted"],
    ['apostrophe then space', "' x"],
    ['formula character inside', 'a=b+c'],
    ['64 code points', '🌭'.repeat(MAX_ANNOTATOR_CODE_POINTS)],
    ['decomposed accent', 'Jose\u0301'],
  ])('accepts %s', (_case, name) => {
    expect(validateAnnotator(name)).toBe(name);
  });

  it('returns the name unnormalized', () => {
    const decomposed = 'Jose\u0301';
    expect(validateAnnotator(decomposed)).not.toBe(decomposed.normalize('NFC'));
  });

  it.each([
    ['number', 5, 'must be a string'],
    ['null', null, 'must be a string'],
    ['undefined', undefined, 'must be a string'],
    ['array', ['a'], 'must be a string'],
    ['empty', '', 'is empty'],
    ['65 code points', '🌭'.repeat(MAX_ANNOTATOR_CODE_POINTS + 1), 'over the maximum of 64'],
    ['65 ASCII characters', 'a'.repeat(65), 'has 65 characters'],
    ['leading equals', '=cmd', 'formula'],
    ['leading plus', '+1', 'formula'],
    ['leading minus', '-x', 'formula'],
    ['leading at', '@home', 'formula'],
    ['leading space', ' x', 'white space'],
    ['trailing space', 'x ', 'white space'],
    ['leading no-break space', '\u00a0x', 'white space'],
    ['trailing ideographic space', 'x\u3000', 'white space'],
    ['NUL', 'a\u0000b', 'control character U+0000 at position 2'],
    ['tab', 'a\tb', 'control character U+0009'],
    ['line feed', 'a\nb', 'control character U+000A'],
    ['DEL', 'a\u007fb', 'control character U+007F'],
    ['C1 control', 'a\u0085b', 'control character U+0085'],
    ['line separator', 'a\u2028b', 'separator U+2028'],
    ['paragraph separator', 'a\u2029b', 'separator U+2029'],
    ['lone high surrogate', 'a\ud83cb', 'lone surrogate U+D83C'],
    ['lone low surrogate', 'a\udf2d', 'lone surrogate U+DF2D'],
    ['private use', 'a\ue000', 'private-use character U+E000'],
    ['supplementary private use', 'a\u{f0000}', 'private-use character U+F0000'],
    ['unassigned', 'a\u0378', 'unassigned code point U+0378'],
    ['noncharacter', 'a\uffff', 'unassigned code point U+FFFF'],
  ])('rejects %s', (_case, value, rule) => {
    const error = thrownBy(() => validateAnnotator(value));

    expect(error).toBeInstanceOf(LabelInputError);
    expect(error).toMatchObject({ code: 'INVALID_ANNOTATOR', field: 'annotator' });
    expect((error as Error).message).toContain(rule);
  });

  it('message names the value', () => {
    const error = thrownBy(() => validateAnnotator('=cmd')) as LabelInputError;

    expect(error.message).toContain('"=cmd"');
    expect(error.message).toContain('spreadsheets run the cell as a formula');
    expect(error.details.value).toBe('=cmd');
  });

  it('too long reports limit and length', () => {
    const error = thrownBy(() => validateAnnotator('x'.repeat(1000))) as LabelInputError;

    expect(error.details).toMatchObject({ limit: 64, actual: 1000 });
    expect(error.message.length).toBeLessThan(400);
  });

  it('control character message escapes it', () => {
    const error = thrownBy(() => validateAnnotator('a\u0000b')) as LabelInputError;

    expect(error.message).toContain('"a\\u0000b"');
  });
});
