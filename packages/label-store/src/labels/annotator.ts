import { boundedValue, describeValue, quoteText } from './describe-value.js';
import { LabelInputError } from './label-input-error.js';

/** Maximum length of an annotator name, in Unicode code points: room for any real name while keeping rows and summaries short. */
export const MAX_ANNOTATOR_CODE_POINTS = 64;

/** First characters that make spreadsheet programs run a cell as a formula. */
export const FORMULA_START_CHARACTERS: readonly string[] = ['=', '+', '-', '@'];

const CONTROL = /^\p{Cc}$/u;
const LINE_OR_PARAGRAPH_SEPARATOR = /^[\p{Zl}\p{Zp}]$/u;
const LONE_SURROGATE = /^\p{Cs}$/u;
const PRIVATE_USE = /^\p{Co}$/u;
// NOTE: "unassigned" follows the Unicode version of the running Node.js (Unicode 15.1 in Node 20),
// so a character assigned in a later version is rejected until Node.js is upgraded.
const UNASSIGNED = /^\p{Cn}$/u;
const WHITE_SPACE = /^\p{White_Space}$/u;

/**
 * Checks an annotator name and returns it unchanged: no trimming and no Unicode normalization,
 * so the name in the label file is exactly the one received.
 *
 * A name is a string of 1 to MAX_ANNOTATOR_CODE_POINTS code points in any script. It must not
 * start or end with white space, and must not contain control characters (Cc), line or paragraph
 * separators, lone surrogates, private-use or unassigned code points. It must not start with `=`,
 * `+`, `-` or `@`, because spreadsheets run such cells as formulas. Zero-width joiners and
 * non-joiners are allowed, because emoji sequences and Persian words need them.
 *
 * @throws LabelInputError with code `INVALID_ANNOTATOR` and field `annotator`, naming the value and the rule.
 */
export function validateAnnotator(value: unknown): string {
  if (typeof value !== 'string') {
    reject(value, `annotator must be a string, got ${describeValue(value)}; send the name as a JSON string`);
  }
  if (value.length === 0) {
    reject(value, `annotator is empty; send a name of 1 to ${MAX_ANNOTATOR_CODE_POINTS} characters`);
  }

  const codePoints = Array.from(value);
  if (codePoints.length > MAX_ANNOTATOR_CODE_POINTS) {
    reject(
      value,
      `annotator ${quoteText(value)} has ${codePoints.length} characters (Unicode code points), over the maximum of ` +
        `${MAX_ANNOTATOR_CODE_POINTS}; use a shorter name`,
      { limit: MAX_ANNOTATOR_CODE_POINTS, actual: codePoints.length },
    );
  }

  codePoints.forEach((character, index) => {
    const problem = describeForbiddenCharacter(character);
    if (problem !== undefined) {
      reject(
        value,
        `annotator ${quoteText(value)} contains ${problem} ${codePointLabel(character)} at position ${index + 1}; ` +
          'names must not contain control characters, line or paragraph separators, lone surrogates, ' +
          'private-use or unassigned code points, so remove it',
      );
    }
  });

  const first = codePoints[0] as string;
  const last = codePoints[codePoints.length - 1] as string;
  if (WHITE_SPACE.test(first) || WHITE_SPACE.test(last)) {
    reject(value, `annotator ${quoteText(value)} starts or ends with white space; send the name without it`);
  }
  if (FORMULA_START_CHARACTERS.includes(first)) {
    reject(
      value,
      `annotator ${quoteText(value)} starts with ${JSON.stringify(first)}, which makes spreadsheets run the cell ` +
        `as a formula; names must not start with ${FORMULA_START_CHARACTERS.join(' ')}, so choose another first character`,
    );
  }

  return value;
}

function describeForbiddenCharacter(character: string): string | undefined {
  if (CONTROL.test(character)) return 'the control character';
  if (LINE_OR_PARAGRAPH_SEPARATOR.test(character)) return 'the separator';
  if (LONE_SURROGATE.test(character)) return 'the lone surrogate';
  if (PRIVATE_USE.test(character)) return 'the private-use character';
  if (UNASSIGNED.test(character)) return 'the unassigned code point';
  return undefined;
}

/** Formats a code point as `U+0000`, with at least four hex digits as the Unicode standard writes it. */
function codePointLabel(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function reject(value: unknown, message: string, details: { limit?: number; actual?: number } = {}): never {
  throw new LabelInputError('INVALID_ANNOTATOR', 'annotator', message, {
    value: boundedValue(value),
    ...details,
  });
}
