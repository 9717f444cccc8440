/**
 * The error classes ntk-lab throws, so a caller can tell bad input from a refused job. Each extends the
 * built-in class the code threw before it existed (`RangeError` for a bad value, `TypeError` for a
 * missing argument or a wrong type), so `instanceof RangeError` checks keep working.
 * @module
 */

/** A bad value: out of range, wrong shape, non-finite where a finite number is needed. */
export class NtkInputError extends RangeError {
  override readonly name = 'NtkInputError';
}

/** A missing argument or an argument of the wrong type. */
export class NtkTypeError extends TypeError {
  override readonly name = 'NtkTypeError';
}

/**
 * A job refused before allocation because it cannot fit the memory limit. The message states the size
 * needed, what fits and the remedy; the numbers are also fields.
 */
export class NtkMemoryError extends RangeError {
  override readonly name = 'NtkMemoryError';
  constructor(
    message: string,
    /** Bytes the job needs. */
    readonly neededBytes: number,
    /** Bytes the limit allows. */
    readonly limitBytes: number,
  ) {
    super(message);
  }
}

/** A computation whose result would not be finite (overflow, NaN): refused instead of returned. */
export class NtkNumericalError extends RangeError {
  override readonly name = 'NtkNumericalError';
}
