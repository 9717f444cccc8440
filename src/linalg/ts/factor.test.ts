/**
 * tsBackend Cholesky (potrf) and triangular solves (trsm): L·Lᵀ reproduces A, L is lower triangular
 * with a positive diagonal, failures report the first non-positive pivot (1-based), and solutions
 * satisfy L·X = B / Lᵀ·X = B to a backward-error tolerance; sizes straddle the 64-wide blocks.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../matrix.js';
import { tsBackend } from './index.js';
import { maxAbsDiff, naiveProduct, randomMatrix, symmetricWithSpectrum } from './testMatrices.testutil.js';

const EPS = 2 ** -52;

/** B·Bᵀ + n·I: symmetric positive definite and well conditioned. */
function spd(n: number, seed: number): Matrix {
  const B = randomMatrix(n, n, seed);
  const A = naiveProduct(B, B, false, true);
  for (let i = 0; i < n; i++) A.data[i * n + i] += n;
  return A;
}

describe('tsBackend.potrf', () => {
  for (const n of [0, 1, 5, 63, 64, 65, 150]) {
    test(`n = ${n}: L·Lᵀ = A, L lower with positive diagonal`, () => {
      const A = spd(n, n + 1);
      const L = A.clone();
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) L.data[i * n + j] = 12345; // upper is never read
      assert.equal(tsBackend.potrf(L), 0);
      for (let i = 0; i < n; i++) {
        assert.ok(L.get(i, i) > 0);
        for (let j = i + 1; j < n; j++) assert.equal(L.get(i, j), 0);
      }
      const LLt = naiveProduct(L, L, false, true);
      assert.ok(
        maxAbsDiff(LLt.data, A.data) <= 8 * n * EPS * 2 * n,
        `max error ${maxAbsDiff(LLt.data, A.data)}`,
      );
    });
  }

  test('reports the first non-positive pivot, 1-based, also beyond the first block', () => {
    for (const [n, bad] of [
      [4, 2],
      [150, 0],
      [150, 100],
      [150, 149],
    ]) {
      const A = Matrix.identity(n);
      A.set(bad, bad, -1);
      assert.equal(tsBackend.potrf(A), bad + 1, `n=${n} bad=${bad}`);
    }
    const nan = Matrix.identity(3);
    nan.set(1, 1, NaN);
    assert.equal(tsBackend.potrf(nan), 2);
  });

  test('an indefinite matrix fails (one eigenvalue −1e-3)', () => {
    const values = Array.from({ length: 80 }, (_, i) => (i === 40 ? -1e-3 : 1 + i));
    const info = tsBackend.potrf(symmetricWithSpectrum(values, 3));
    assert.ok(info > 0 && info <= 80, `info ${info}`);
  });
});

describe('tsBackend.trsm', () => {
  for (const n of [1, 7, 64, 65, 130]) {
    for (const m of [1, 3, 70]) {
      test(`n = ${n}, ${m} right-hand sides: L·X = B and Lᵀ·X = B`, () => {
        const L = spd(n, 3 * n + m);
        assert.equal(tsBackend.potrf(L), 0);
        const B = randomMatrix(n, m, n + m);
        for (const trans of [false, true]) {
          const X = B.clone();
          tsBackend.trsm(L, X, trans);
          const LX = naiveProduct(L, X, trans, false);
          // ‖L·X − B‖ ≤ c·n·ε·‖L‖·‖X‖ (backward stability of substitution, Higham Thm 8.5)
          let lmax = 0;
          for (const v of L.data) lmax = Math.max(lmax, Math.abs(v));
          let xmax = 0;
          for (const v of X.data) xmax = Math.max(xmax, Math.abs(v));
          assert.ok(maxAbsDiff(LX.data, B.data) <= 4 * n * n * EPS * lmax * xmax, `trans=${trans}`);
        }
      });
    }
  }
});
