import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type { ObjectStore } from '../object-store.js';
import type { AppendResult } from './append-batch.js';
import { validateAnnotator } from './annotator.js';
import { DEFAULT_MAX_ANSWERS, validateAnswers } from './answers.js';
import type { LabelAnswer } from './label-csv.js';
import { LabelFile } from './label-file.js';
import { LabelInputError } from './label-input-error.js';
import { type LabelSummary, summarizeLabels } from './summary.js';

export interface LabelServiceOptions {
  /** Store of the label file. */
  store: ObjectStore;
  /** The label file to use; defaults to `new LabelFile(store)`. It must be on `store`. */
  labelFile?: LabelFile;
  /** Returns whether an image with this id is stored; answers for other ids are rejected. */
  imageExists: (id: string) => boolean | Promise<boolean>;
  /** Maximum answers in one `record` call, DEFAULT_MAX_ANSWERS (100) by default. */
  maxAnswers?: number;
}

/**
 * The label operations that a front end (such as the HTTP worker) calls: record validated
 * answers, read them back, and summarize them. Input arrives as decoded JSON of unknown shape.
 */
export class LabelService {
  readonly labelFile: LabelFile;
  readonly #imageExists: (id: string) => boolean | Promise<boolean>;
  readonly #maxAnswers: number;

  /**
   * @throws InvalidArgumentError when `labelFile` is on another store, `imageExists` is not a
   *   function or `maxAnswers` is not a positive integer.
   */
  constructor(options: LabelServiceOptions) {
    this.labelFile = options.labelFile ?? new LabelFile(options.store);
    if (this.labelFile.store !== options.store) {
      throw new InvalidArgumentError(
        'labelFile',
        `labelFile is on ${this.labelFile.store.description} but store is ${options.store.description}; pass the same store to both`,
      );
    }
    if (typeof options.imageExists !== 'function') {
      throw new InvalidArgumentError('imageExists', 'imageExists must be a function (id: string) => boolean | Promise<boolean>');
    }
    this.#imageExists = options.imageExists;
    this.#maxAnswers = options.maxAnswers ?? DEFAULT_MAX_ANSWERS;
    if (!Number.isSafeInteger(this.#maxAnswers) || this.#maxAnswers < 1) {
      throw new InvalidArgumentError('maxAnswers', `maxAnswers must be a positive integer, got ${String(this.#maxAnswers)}`);
    }
  }

  /**
   * Validates one annotator's answers and appends them to the label file.
   *
   * @throws LabelInputError for an invalid annotator or answer list, `UNKNOWN_IMAGE` naming
   *   `answers[i].image` when `imageExists` returns false, or `ANSWER_ID_REUSED`.
   * @throws LabelAppendError or LabelFileFormatError as `LabelFile.append` does.
   */
  async record(annotatorInput: unknown, answersInput: unknown): Promise<AppendResult> {
    const annotator = validateAnnotator(annotatorInput);
    const answers = validateAnswers(answersInput, { maxAnswers: this.#maxAnswers });

    // Each distinct image is looked up once, all at the same time. The error names the first unknown one in request order.
    const images = [...new Set(answers.map((answer) => answer.image))];
    const found = await Promise.all(images.map(async (image) => [image, await this.#imageExists(image)] as const));
    const exists = new Map(found);
    const unknownIndex = answers.findIndex((answer) => exists.get(answer.image) !== true);
    if (unknownIndex !== -1) {
      const field = `answers[${unknownIndex}].image`;
      const image = answers[unknownIndex]?.image;
      throw new LabelInputError('UNKNOWN_IMAGE', field, `${field} ${image} is not a stored image; send answers only for images that the server listed`, {
        value: image,
        index: unknownIndex,
      });
    }

    return this.labelFile.append(annotator, answers);
  }

  /** Reads all recorded answers in file order. */
  async answers(): Promise<LabelAnswer[]> {
    return this.labelFile.readAnswers();
  }

  /** Summarizes all recorded answers; see `summarizeLabels`. */
  async summary(): Promise<LabelSummary> {
    return summarizeLabels(await this.labelFile.readAnswers());
  }
}
