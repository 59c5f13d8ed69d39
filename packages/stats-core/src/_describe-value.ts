/** Longest quoted text in an error message. Longer strings are cut so that one huge value cannot flood a log. */
export const MAX_QUOTED_CHARS = 40;

/**
 * Describes any value for an error message: numbers as JavaScript writes them (with `-0` kept),
 * strings quoted and cut at MAX_QUOTED_CHARS, and other types named, e.g. `"1" (a string)` or `null`.
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'string':
      return `${quoteText(value)} (a string)`;
    case 'boolean':
      return `${String(value)} (a boolean)`;
    case 'bigint':
      return `${quoteDigits(value.toString())}n (a bigint)`;
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      return describeObject(value as object | null);
  }
}

/** Quotes text as a JSON string, cut to MAX_QUOTED_CHARS code points with an ellipsis. */
export function quoteText(text: string): string {
  const codePoints = Array.from(text.slice(0, 4 * MAX_QUOTED_CHARS));
  if (codePoints.length <= MAX_QUOTED_CHARS) {
    return JSON.stringify(text);
  }

  return `${JSON.stringify(codePoints.slice(0, MAX_QUOTED_CHARS).join(''))}…`;
}

function quoteDigits(digits: string): string {
  return digits.length <= MAX_QUOTED_CHARS ? digits : `${digits.slice(0, MAX_QUOTED_CHARS)}…`;
}

function describeObject(value: object | null): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return `an array of length ${value.length}`;
  }
  if (ArrayBuffer.isView(value)) {
    return `a ${value.constructor.name}`;
  }

  return 'an object';
}
