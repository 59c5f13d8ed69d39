// Placeholder: the stats-core API is being written. The signatures below are the contract.
export const DEFAULT_MAX_NUMBERS = 10;

export type StatsInputErrorCode =
  | 'NOT_A_LIST'
  | 'EMPTY_LIST'
  | 'TOO_MANY_NUMBERS'
  | 'NOT_AN_INTEGER'
  | 'NOT_POSITIVE'
  | 'UNSAFE_INTEGER';

export interface StatsInputErrorDetails {
  index?: number;
  value?: unknown;
  limit?: number;
}

export class StatsInputError extends Error {
  override readonly name = 'StatsInputError';
  constructor(
    readonly code: StatsInputErrorCode,
    message: string,
    readonly details: StatsInputErrorDetails = {},
  ) {
    super(message);
  }
}

export interface Summary {
  count: number;
  min: number;
  max: number;
  mean: number;
  median: number;
}

export interface ValidateOptions {
  maxCount?: number;
}

export declare function summarize(numbers: ArrayLike<number>): Summary;
export declare function validateNumbers(value: unknown, options?: ValidateOptions): number[];
export declare function parseNumbers(text: string, options?: ValidateOptions): number[];
