/** Maximum code points of a string quoted in an error message, so that one huge value cannot flood a log. */
export const MAX_QUOTED_CODE_POINTS = 80;

/**
 * Describes any value for an error message: strings as JSON strings (so control characters and
 * lone surrogates show as escapes) cut to MAX_QUOTED_CODE_POINTS, numbers as JavaScript writes
 * them, other types by name, such as `"1" (a string)` or `null`.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `${quoteText(value)} (a string)`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'boolean') return `${String(value)} (a boolean)`;
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** Quotes text as a JSON string, cut to MAX_QUOTED_CODE_POINTS code points with an ellipsis. */
export function quoteText(text: string): string {
  // Slicing UTF-16 units first bounds the work for huge strings, because a code point takes at most 2 units.
  const codePoints = Array.from(text.slice(0, 2 * MAX_QUOTED_CODE_POINTS + 2));
  if (codePoints.length <= MAX_QUOTED_CODE_POINTS) return JSON.stringify(text);

  return `${JSON.stringify(codePoints.slice(0, MAX_QUOTED_CODE_POINTS).join(''))}…`;
}

/**
 * Returns a value that is safe to keep in error details: strings cut to MAX_QUOTED_CODE_POINTS
 * code points, numbers, booleans, null and undefined as they are, and a description for anything else.
 */
export function boundedValue(value: unknown): unknown {
  if (typeof value === 'string') return Array.from(value.slice(0, 2 * MAX_QUOTED_CODE_POINTS)).slice(0, MAX_QUOTED_CODE_POINTS).join('');
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return value;
  return describeValue(value);
}
