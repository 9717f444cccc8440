/**
 * Public Cholesky and solves on the active backend: L·Lᵀ = A + jitter·I, residuals of the solves
 * relative to a backward-error bound, vector and matrix right-hand sides, and the errors (failing
 * pivot named, jitter suggested; shapes; NaN; asymmetry).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { choSolve, cholesky, solveSpd, solveTriangular } from './cholesky.js';
import { Matrix } from './matrix.js';
import { maxAbsDiff, naiveProduct, randomMatrix, symmetricWithSpectrum } from './ts/testMatrices.testutil.js';

const EPS = 2 ** -52;

function spd(n: number, seed: number): Matrix {
  const B = randomMatrix(n, n, seed);
  const A = naiveProduct(B, B, false, true);
  for (let i = 0; i < n; i++) A.data[i * n + i] += n;
  return A;
}

describe('cholesky', () => {
  test('L·Lᵀ = A + jitter·I, L lower triangular, A untouched', () => {
    for (const n of [1, 10, 100]) {
      const A = spd(n, n);
      const before = A.data.slice();
      for (const jitter of [0, 0.25]) {
        const L = cholesky(A, { jitter });
        for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) assert.equal(L.get(i, j), 0);
        const LLt = naiveProduct(L, L, false, true);
        for (let i = 0; i < n; i++) LLt.data[i * n + i] -= jitter;
        assert.ok(maxAbsDiff(LLt.data, A.data) <= 16 * n * n * EPS * 2, `n=${n}`);
      }
      assert.deepEqual(A.data, before);
    }
  });

  test('a semi-definite kernel fails with the pivot named and succeeds with jitter', () => {
    const values = Array.from({ length: 30 }, (_, i) => (i < 10 ? 0 : i));
    const K = symmetricWithSpectrum(values, 12);
    assert.throws(
      () => cholesky(K),
      (err: Error) =>
        /not positive definite: pivot \d+ \(0-based\)/.test(err.message) && /jitter/.test(err.message),
    );
    const L = cholesky(K, { jitter: 1e-8 });
    assert.equal(L.rows, 30);
    const I = Matrix.identity(4);
    I.set(2, 2, -1);
    assert.throws(() => cholesky(I), /pivot 2 \(0-based\) is not positive/);
  });

  test('bad input', () => {
    assert.throws(() => cholesky(new Matrix(2, 3)), /A: expected a square matrix, got 2×3/);
    assert.throws(
      () => cholesky(Matrix.identity(2), { jitter: -1 }),
      /jitter: expected a finite number ≥ 0, got -1/,
    );
    const N = Matrix.identity(3);
    N.set(1, 0, NaN);
    assert.throws(() => cholesky(N), /A: expected finite entries, got NaN at \(1, 0\)/);
    const U = Matrix.identity(3);
    U.set(2, 0, 0.5);
    assert.throws(() => cholesky(U), /A: expected a symmetric matrix.*worst pair \(2, 0\)/);
  });
});

describe('triangular and SPD solves', () => {
  test('solveTriangular, choSolve and solveSpd satisfy their equations (matrix and vector right-hand sides)', () => {
    const n = 90;
    const A = spd(n, 3);
    const L = cholesky(A);
    const B = randomMatrix(n, 4, 4);
    const b = randomMatrix(n, 1, 5).data;
    const bound = (X: Matrix): number => 64 * n * n * EPS * Math.max(...Array.from(X.data, Math.abs)) * n;
    for (const trans of [false, true]) {
      const X = solveTriangular(L, B, { trans });
      assert.ok(maxAbsDiff(naiveProduct(L, X, trans).data, B.data) <= bound(X));
      const x = solveTriangular(L, b, { trans });
      assert.ok(x instanceof Float64Array && x.length === n);
      assert.ok(
        maxAbsDiff(naiveProduct(L, new Matrix(n, 1, x), trans).data, b) <= bound(new Matrix(n, 1, x)),
      );
    }
    const X = choSolve(L, B);
    assert.ok(maxAbsDiff(naiveProduct(A, X).data, B.data) <= bound(X) * n);
    const x = solveSpd(A, b);
    assert.ok(maxAbsDiff(naiveProduct(A, new Matrix(n, 1, x)).data, b) <= bound(new Matrix(n, 1, x)) * n);
    assert.deepEqual(solveSpd(Matrix.identity(3), B.rowBlock(0, 3)).data, B.rowBlock(0, 3).data);
  });

  test('bad input', () => {
    const L = Matrix.identity(3);
    assert.throws(
      () => solveTriangular(L, new Float64Array(2)),
      /B: expected length 3 to match the 3×3 system, got length 2/,
    );
    assert.throws(() => choSolve(L, new Matrix(2, 2)), /B: expected 3 rows to match the 3×3 system, got 2×2/);
    const S = Matrix.identity(3);
    S.set(1, 1, 0);
    assert.throws(
      () => solveTriangular(S, new Float64Array(3)),
      /L: expected a non-zero diagonal .* got L\[1\]\[1\] = 0/,
    );
    assert.throws(
      () => solveSpd(Matrix.identity(3), new Float64Array([1, NaN, 2])),
      /B: expected finite entries, got NaN at \[1\]/,
    );
  });
});
