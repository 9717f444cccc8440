import { NtkInputError, NtkTypeError } from '../errors.js';
import { Matrix } from '../linalg/matrix.js';
import type { Flow, Tensor } from './types.js';

/** Helpers for the batch-first row-major Tensor of src/nn/types.ts. */

/** A Matrix N×d as the Tensor of shape [N, d] on the same data; a Tensor (or anything else) unchanged. */
export function matrixAsTensor<T>(x: Matrix | T): Tensor | T {
  return x instanceof Matrix ? { shape: [x.rows, x.cols], data: x.data } : x;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** A tensor of the given shape (zeros, or wrapping `data` after a length check). */
export function tensor(shape: readonly number[], data?: Float64Array): Tensor {
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0)
      throw new NtkInputError(
        `tensor: shape entries must be non-negative integers, got [${shape.join(', ')}]`,
      );
  }
  const n = sizeOf(shape);
  if (data !== undefined && data.length !== n) {
    throw new NtkInputError(
      `tensor: data has length ${data.length}, expected Π shape = ${n} for shape [${shape.join(', ')}]`,
    );
  }
  return { shape: [...shape], data: data ?? new Float64Array(n) };
}

/** The single tensor of a flow; an error naming `where` when a list arrives. */
export function single(x: Flow<Tensor>, where: string): Tensor {
  if (Array.isArray(x))
    throw new NtkTypeError(
      `${where}: expected one tensor, got a list of ${x.length} (add a FanIn layer before it)`,
    );
  return x;
}

/** The list of a flow; an error naming `where` when a single tensor arrives. */
export function list<T>(x: Flow<T>, where: string): T[] {
  if (!Array.isArray(x))
    throw new NtkTypeError(`${where}: expected a list (after FanOut/parallel), got a single value`);
  return x;
}

/** A single feature shape; an error when a list arrives. */
export function singleShape(s: Flow<readonly number[]>, where: string): readonly number[] {
  if (Array.isArray(s) && s.length > 0 && Array.isArray(s[0])) {
    throw new NtkTypeError(
      `${where}: expected one input shape, got a list of ${s.length} (add a FanIn layer before it)`,
    );
  }
  return s as readonly number[];
}

/** A list of feature shapes; an error when a single shape arrives. */
export function shapeList(s: Flow<readonly number[]>, where: string): (readonly number[])[] {
  if (!(Array.isArray(s) && (s.length === 0 || Array.isArray(s[0])))) {
    throw new NtkTypeError(
      `${where}: expected a list of input shapes (after FanOut/parallel), got one shape [${(s as number[]).join(', ')}]`,
    );
  }
  return s as (readonly number[])[];
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
