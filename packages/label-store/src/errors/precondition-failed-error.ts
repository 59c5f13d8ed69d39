/** The precondition of a conditional put: match a known ETag, or require that the key is absent. */
export type PutPrecondition = { ifMatch: string } | { ifNoneMatch: '*' };

/**
 * Raised by `put` when its `ifMatch` or `ifNoneMatch` precondition does not hold. The stored
 * object is left unchanged, so the caller can read it again and retry with the new ETag.
 */
export class PreconditionFailedError extends Error {
  readonly code = 'PRECONDITION_FAILED';
  readonly key: string;
  readonly precondition: PutPrecondition;

  constructor(key: string, precondition: PutPrecondition, options?: { cause?: unknown }) {
    super(describe(key, precondition), options);
    this.name = 'PreconditionFailedError';
    this.key = key;
    this.precondition = precondition;
  }
}

function describe(key: string, precondition: PutPrecondition): string {
  if ('ifMatch' in precondition) {
    return (
      `put of ${JSON.stringify(key)} failed: its ETag is no longer ${precondition.ifMatch} ` +
      '(another writer changed or deleted it); read the object again and retry with the current ETag'
    );
  }
  return (
    `put of ${JSON.stringify(key)} failed: the key already exists and ifNoneMatch '*' requires ` +
    'that it does not; read the existing object or write with ifMatch and its ETag'
  );
}
