/**
 * Default maximum count of numbers that `validateNumbers` and `parseNumbers` accept.
 * The lists come from users, and 10 keeps one request or one typed line short.
 * Callers with longer lists pass `maxCount`.
 */
export const DEFAULT_MAX_NUMBERS = 10;
