import { Matrix } from './matrix.js';

/**
 * Argument checks for the public linalg functions. Every error names the argument, what was expected
 * and what was given, so that a bad call fails loudly instead of returning NaN.
 */

/** `rows×cols` of a matrix, for messages. */
export function shapeOf(M: Matrix): string {
  return `${M.rows}×${M.cols}`;
}

/** Throws unless M is a Matrix. */
export function assertMatrix(name: string, M: unknown): asserts M is Matrix {
  if (!(M instanceof Matrix)) {
    const got = M === null ? 'null' : typeof M === 'object' ? (M.constructor?.name ?? 'object') : typeof M;
    throw new TypeError(`${name}: expected a Matrix, got ${got}`);
  }
}

/** Throws unless x is a Float64Array (of length `length`, when given). */
export function assertVector(name: string, x: unknown, length?: number): asserts x is Float64Array {
  if (!(x instanceof Float64Array)) {
    const got = x === null ? 'null' : typeof x === 'object' ? (x.constructor?.name ?? 'object') : typeof x;
    throw new TypeError(`${name}: expected a Float64Array, got ${got}`);
  }
  if (length !== undefined && x.length !== length) {
    throw new RangeError(`${name}: expected length ${length}, got length ${x.length}`);
  }
}

/** Throws unless every entry is finite; the message gives the first offending entry and its position. */
export function assertFinite(name: string, arr: Matrix | Float64Array): void {
  const data = arr instanceof Matrix ? arr.data : arr;
  for (let k = 0; k < data.length; k++) {
    const v = data[k];
    if (v - v !== 0) {
      const where = arr instanceof Matrix ? `(${Math.floor(k / arr.cols)}, ${k % arr.cols})` : `[${k}]`;
      throw new RangeError(`${name}: expected finite entries, got ${v} at ${where}`);
    }
  }
}

/** Throws unless M is rows×cols; pass `null` for a dimension that may be anything. */
export function assertShape(name: string, M: Matrix, rows: number | null, cols: number | null): void {
  assertMatrix(name, M);
  if ((rows !== null && M.rows !== rows) || (cols !== null && M.cols !== cols)) {
    throw new RangeError(`${name}: expected shape ${rows ?? 'any'}×${cols ?? 'any'}, got ${shapeOf(M)}`);
  }
}

/** Throws unless M is square. */
export function assertSquare(name: string, M: Matrix): void {
  assertMatrix(name, M);
  if (M.rows !== M.cols) throw new RangeError(`${name}: expected a square matrix, got ${shapeOf(M)}`);
}

/** Default symmetry tolerance, relative to max|A|. */
export const DEFAULT_SYMMETRY_TOL = 1e-10;

/**
 * Throws unless M is square and |M[i][j] − M[j][i]| ≤ relTol·max|M| for all i, j; the message names
 * the worst (i, j) pair and both values.
 */
export function assertSymmetric(name: string, M: Matrix, relTol: number = DEFAULT_SYMMETRY_TOL): void {
  assertSquare(name, M);
  if (!(relTol >= 0)) throw new RangeError(`${name}: symmetry tolerance must be a number ≥ 0, got ${relTol}`);
  const { rows: n, data } = M;
  let amax = 0;
  for (let k = 0; k < data.length; k++) amax = Math.max(amax, Math.abs(data[k]));
  let worst = 0;
  let wi = 0;
  let wj = 0;
  const T = 32; // tile size: compare tile (I, J) with tile (J, I) so that both stay in cache
  for (let i0 = 0; i0 < n; i0 += T) {
    const i1 = Math.min(i0 + T, n);
    for (let j0 = 0; j0 <= i0; j0 += T) {
      for (let i = i0; i < i1; i++) {
        const j1 = Math.min(j0 + T, i);
        for (let j = j0; j < j1; j++) {
          const diff = Math.abs(data[i * n + j] - data[j * n + i]);
          if (diff > worst) {
            worst = diff;
            wi = i;
            wj = j;
          }
        }
      }
    }
  }
  if (worst > relTol * amax) {
    throw new RangeError(
      `${name}: expected a symmetric matrix (|a_ij − a_ji| ≤ ${relTol}·max|a| = ${relTol * amax}), ` +
        `got ${name}[${wi}][${wj}] = ${data[wi * n + wj]} vs ${name}[${wj}][${wi}] = ${data[wj * n + wi]} ` +
        `(worst pair (${wi}, ${wj}), difference ${worst}); symmetrize with (A + Aᵀ)/2 if the asymmetry is rounding`,
    );
  }
}

/** Throws unless x is a finite number (≥ min when given). */
export function assertNumber(name: string, x: unknown, min?: number): asserts x is number {
  if (typeof x !== 'number' || !Number.isFinite(x) || (min !== undefined && x < min)) {
    throw new RangeError(
      `${name}: expected a finite number${min !== undefined ? ` ≥ ${min}` : ''}, got ${String(x)}`,
    );
  }
}

/** Throws when the memory of `out` overlaps that of `input` (an in-place product would read what it writes). */
export function assertNoOverlap(
  outName: string,
  out: Float64Array,
  inName: string,
  input: Float64Array,
): void {
  if (out.buffer !== input.buffer) return;
  const o0 = out.byteOffset;
  const o1 = o0 + out.byteLength;
  const i0 = input.byteOffset;
  const i1 = i0 + input.byteLength;
  if (o0 < i1 && i0 < o1) throw new RangeError(`${outName}: must not share memory with ${inName}`);
}
