/**
 * Raised when an option passed to a store method is out of range or malformed, such as a
 * `pageSize` of 0 or a metadata name with upper-case letters. `argument` names the option.
 */
export class InvalidArgumentError extends Error {
  readonly code = 'INVALID_ARGUMENT';
  readonly argument: string;

  constructor(argument: string, message: string) {
    super(message);
    this.name = 'InvalidArgumentError';
    this.argument = argument;
  }
}
