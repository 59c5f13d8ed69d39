export { DEFAULT_MAX_NUMBERS } from './limits.js';
export { parseNumbers } from './parse-numbers.js';
export { StatsInputError, type StatsInputErrorCode, type StatsInputErrorDetails } from './stats-input-error.js';
export { summarize, type Summary } from './summarize.js';
export { validateNumbers, type ValidateOptions } from './validate-numbers.js';
