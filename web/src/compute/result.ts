import { NtkInputError, NtkTypeError } from '../../../src/errors.js';
/**
 * What a lab computation returns: named float64 arrays (row-major, with their shape) and named scalars.
 * The same record feeds the figures, the data export (.npy per array, JSON of everything) and the tests.
 */
export interface LabArray {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export type LabScalar = number | string | boolean;

export interface LabResult {
  readonly arrays: Record<string, LabArray>;
  readonly scalars: Record<string, LabScalar>;
}

/** Parameters of a computation, already parsed from the view's controls. */
export type LabParams = Record<string, number | string>;

/** What a computation may report while it runs. */
export interface LabEmit {
  /** Fraction of the work done so far. */
  progress(done: number, total: number): void;
  /** A partial result (live views redraw from it). */
  frame(partial: LabResult): void;
}

/** Arrays the page hands a computation besides its parameters (a dropped .npy file: `x`). */
export type LabInputs = Readonly<Record<string, LabArray>>;

export type LabCompute = (
  params: LabParams,
  emit: LabEmit,
  inputs: LabInputs,
) => LabResult | Promise<LabResult>;

export function vector(data: ArrayLike<number>): LabArray {
  const d = Float64Array.from(data);
  return { shape: [d.length], data: d };
}

export function matrix(rows: number, cols: number, data: Float64Array): LabArray {
  return { shape: [rows, cols], data };
}

export function num(params: LabParams, key: string): number {
  const v = params[key];
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new NtkInputError(`lab parameter '${key}' must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

export function str(params: LabParams, key: string): string {
  const v = params[key];
  if (typeof v !== 'string')
    throw new NtkTypeError(`lab parameter '${key}' must be a string, got ${JSON.stringify(v)}`);
  return v;
}
