/**
 * Raised when a key cannot be stored: it is empty, too long, not a relative `/`-separated path,
 * or it clashes with how a backend lays out its objects. `reason` states the rule that failed.
 */
export class InvalidKeyError extends Error {
  readonly code = 'INVALID_KEY';
  readonly key: string;
  readonly reason: string;

  constructor(key: string, reason: string) {
    super(`invalid object key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'InvalidKeyError';
    this.key = key;
    this.reason = reason;
  }
}
