import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { boundedValue, describeValue } from './describe-value.js';
import { isImageId, isUuid } from './label-ids.js';
import { LabelInputError } from './label-input-error.js';

/** One answer as a client sends it: which image, hot dog (1) or not (0), under a client-chosen UUID. */
export interface NewAnswer {
  /** A UUID that the client creates once per answer, so that a resent request is not counted twice. */
  answerId: string;
  /** Image id: 64 lowercase hex digits, the SHA-256 of the image content. */
  image: string;
  /** 1 = hot dog, 0 = not a hot dog. */
  label: 0 | 1;
}

/** Default maximum of answers in one request: a client sends a screenful of answers at a time, not a backlog. */
export const DEFAULT_MAX_ANSWERS = 100;

export interface ValidateAnswersOptions {
  /** Maximum number of answers in the list; defaults to DEFAULT_MAX_ANSWERS. */
  maxAnswers?: number;
}

const ANSWER_FIELDS = ['answerId', 'image', 'label'] as const;

/**
 * Checks a decoded JSON list of answers and returns it as `NewAnswer[]`, with answer ids in lower case.
 *
 * The list must be an array of 1 to `maxAnswers` objects with exactly the fields `answerId`,
 * `image` and `label`. Each `answerId` is a UUID of any version in any case, `image` is 64
 * lowercase hex digits, and `label` is the number 0 or 1 (not `"1"`, `true` or 2). No answer id
 * may appear twice in the list. Whether the image exists is for the caller to check.
 *
 * @throws LabelInputError for the first rule broken, with `field` such as `answers[2].label`.
 * @throws InvalidArgumentError when `maxAnswers` is not a positive integer.
 */
export function validateAnswers(value: unknown, options: ValidateAnswersOptions = {}): NewAnswer[] {
  const maxAnswers = options.maxAnswers ?? DEFAULT_MAX_ANSWERS;
  if (!Number.isSafeInteger(maxAnswers) || maxAnswers < 1) {
    throw new InvalidArgumentError('maxAnswers', `maxAnswers must be a positive integer, got ${describeValue(maxAnswers)}`);
  }

  if (!Array.isArray(value)) {
    throw new LabelInputError(
      'INVALID_ANSWERS',
      'answers',
      `answers must be an array of {answerId, image, label} objects, got ${describeValue(value)}`,
      { value: boundedValue(value) },
    );
  }
  if (value.length === 0 || value.length > maxAnswers) {
    throw new LabelInputError(
      'INVALID_ANSWERS',
      'answers',
      `answers has ${value.length} entries; send 1 to ${maxAnswers} answers per request`,
      { limit: maxAnswers, actual: value.length },
    );
  }

  const firstIndexById = new Map<string, number>();
  return value.map((entry: unknown, index) => {
    const answer = validateAnswer(entry, index);

    const earlier = firstIndexById.get(answer.answerId);
    if (earlier !== undefined) {
      throw new LabelInputError(
        'INVALID_ANSWER_ID',
        `answers[${index}].answerId`,
        `answers[${index}].answerId ${JSON.stringify(answer.answerId)} repeats answers[${earlier}].answerId; ` +
          'each answer needs its own UUID',
        { value: answer.answerId, index },
      );
    }
    firstIndexById.set(answer.answerId, index);
    return answer;
  });
}

function validateAnswer(entry: unknown, index: number): NewAnswer {
  const field = `answers[${index}]`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new LabelInputError(
      'INVALID_ANSWERS',
      field,
      `${field} must be an object {answerId, image, label}, got ${describeValue(entry)}`,
      { value: boundedValue(entry), index },
    );
  }

  const record = entry as Record<string, unknown>;
  // An unknown field is most likely a misspelt one, such as `imageId`, so it is an error rather than ignored.
  const unknownField = Object.keys(record).find((name) => !(ANSWER_FIELDS as readonly string[]).includes(name));
  if (unknownField !== undefined) {
    throw new LabelInputError(
      'INVALID_ANSWERS',
      `${field}.${unknownField}`,
      `${field}.${unknownField} is not an answer field; an answer has only answerId, image and label`,
      { index },
    );
  }

  const { answerId, image, label } = record;
  if (!isUuid(answerId)) {
    throw new LabelInputError(
      'INVALID_ANSWER_ID',
      `${field}.answerId`,
      `${field}.answerId must be a UUID such as "0b9e4c1e-5c7a-4f4e-9a57-2f1d3b8c6e01", got ${describeValue(answerId)}`,
      { value: boundedValue(answerId), index },
    );
  }
  if (!isImageId(image)) {
    throw new LabelInputError(
      'UNKNOWN_IMAGE',
      `${field}.image`,
      `${field}.image must be an image id of 64 lowercase hex digits (the SHA-256 of the image), ` +
        `got ${describeValue(image)}`,
      { value: boundedValue(image), index },
    );
  }
  if (label !== 0 && label !== 1) {
    throw new LabelInputError(
      'INVALID_LABEL',
      `${field}.label`,
      `${field}.label must be the number 1 (hot dog) or 0 (not hot dog), got ${describeValue(label)}`,
      { value: boundedValue(label), index },
    );
  }

  // `label === 1 ? 1 : 0` stores -0 as 0.
  return { answerId: answerId.toLowerCase(), image, label: label === 1 ? 1 : 0 };
}
