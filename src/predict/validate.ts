import type { Matrix } from '../linalg/matrix.js';

/**
 * Argument checks shared by the prediction functions: every failure names the argument, what was
 * expected and what was given (common.md, "Bad input").
 */

export function assertMatrix(fn: string, name: string, M: unknown): asserts M is Matrix {
  const m = M as Matrix | null | undefined;
  if (m === null || m === undefined || typeof m.rows !== 'number' || !(m.data instanceof Float64Array)) {
    throw new TypeError(
      `${fn}: ${name} must be a Matrix (row-major Float64Array), got ${m === null ? 'null' : typeof m}`,
    );
  }
}

export function assertFinite(fn: string, name: string, M: Matrix): void {
  const d = M.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      const r = Math.floor(i / Math.max(M.cols, 1));
      throw new RangeError(`${fn}: ${name} must be finite, got ${d[i]} at [${r}, ${i - r * M.cols}]`);
    }
  }
}

export function assertShape(fn: string, name: string, M: Matrix, rows: number, cols: number): void {
  if (M.rows !== rows || M.cols !== cols) {
    throw new RangeError(`${fn}: ${name} must be ${rows}×${cols}, got ${M.rows}×${M.cols}`);
  }
}

/**
 * K must be square, finite and symmetric to a relative tolerance `tol` of its largest entry.
 * (Kernels from different code paths may differ from exact symmetry by round-off; the eigen and
 * Cholesky routines read only the lower triangle.)
 */
export function assertSymmetricKernel(fn: string, name: string, K: Matrix, tol = 1e-8): void {
  assertMatrix(fn, name, K);
  if (K.rows !== K.cols) throw new RangeError(`${fn}: ${name} must be square, got ${K.rows}×${K.cols}`);
  if (K.rows === 0) throw new RangeError(`${fn}: ${name} must have at least one row, got 0×0`);
  assertFinite(fn, name, K);
  const n = K.rows;
  const d = K.data;
  let scale = 0;
  for (let i = 0; i < d.length; i++) scale = Math.max(scale, Math.abs(d[i]));
  let worst = 0;
  let wi = 0;
  let wj = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const a = Math.abs(d[i * n + j] - d[j * n + i]);
      if (a > worst) {
        worst = a;
        wi = i;
        wj = j;
      }
    }
  }
  if (worst > tol * scale) {
    throw new RangeError(
      `${fn}: ${name} must be symmetric (|K − Kᵀ| ≤ ${tol}·max|K|), got |K[${wi},${wj}] − K[${wj},${wi}]| = ${worst.toExponential(3)} ` +
        `with max|K| = ${scale.toExponential(3)}`,
    );
  }
}

export function assertPositiveNumber(fn: string, name: string, x: unknown): asserts x is number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0) {
    throw new RangeError(`${fn}: ${name} must be a finite number > 0, got ${String(x)}`);
  }
}

export function assertNonNegativeNumber(fn: string, name: string, x: unknown): asserts x is number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) {
    throw new RangeError(`${fn}: ${name} must be a finite number ≥ 0, got ${String(x)}`);
  }
}

/** Steps (or times) must be numbers ≥ 0; `integer` for discrete gradient descent. Infinity is allowed. */
export function assertSteps(fn: string, name: string, steps: readonly number[], integer: boolean): void {
  if (!Array.isArray(steps) && !(steps instanceof Float64Array)) {
    throw new TypeError(`${fn}: ${name} must be an array of numbers, got ${typeof steps}`);
  }
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    const ok =
      typeof s === 'number' &&
      s >= 0 &&
      (s === Infinity || (Number.isFinite(s) && (!integer || Number.isInteger(s))));
    if (!ok) {
      const what = integer ? 'an integer ≥ 0 (or Infinity)' : 'a number ≥ 0 (or Infinity)';
      throw new RangeError(`${fn}: ${name}[${i}] must be ${what}, got ${String(s)}`);
    }
  }
}
