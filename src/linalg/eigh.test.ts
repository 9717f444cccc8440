/**
 * Public eigh / eigvalsh on the active backend: the accuracy bounds
 * (‖A·V − V·Λ‖_F/‖A‖_F ≤ 1e-12·n, ‖VᵀV − I‖_F ≤ 1e-12·n) on random, repeated, graded and
 * rank-deficient matrices, eigenvalues against a known spectrum, and the argument errors.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eigh, eigvalsh } from './eigh.js';
import { Matrix } from './matrix.js';
import {
  eigenResiduals,
  maxAbsDiff,
  naiveProduct,
  randomMatrix,
  randomSymmetric,
  symmetricWithSpectrum,
} from './ts/testMatrices.testutil.js';

function cases(): [string, Matrix][] {
  const graded = randomSymmetric(60, 2);
  for (let i = 0; i < 60; i++) for (let j = 0; j < 60; j++) graded.data[i * 60 + j] *= 10 ** (-(i + j) / 6);
  const B = randomMatrix(70, 4, 3);
  return [
    ['random 150', randomSymmetric(150, 1)],
    [
      'repeated',
      symmetricWithSpectrum(
        Array.from({ length: 50 }, (_, i) => Math.floor(i / 10)),
        4,
      ),
    ],
    ['graded', graded],
    ['rank 4', naiveProduct(B, B, false, true)],
  ];
}

describe('eigh', () => {
  for (const [label, A] of cases()) {
    test(`${label}: residual and orthogonality ≤ 1e-12·n`, () => {
      const n = A.rows;
      const { values, vectors } = eigh(A);
      const { residual, orthogonality } = eigenResiduals(A, values, vectors);
      assert.ok(residual <= 1e-12 * n, `residual ${residual}`);
      assert.ok(orthogonality <= 1e-12 * n, `orthogonality ${orthogonality}`);
      const v = eigvalsh(A);
      assert.ok(maxAbsDiff(v, values) <= 1e-13 * n * Math.max(...Array.from(values, Math.abs)));
    });
  }

  test('eigenvalues of Q·diag(λ)·Qᵀ, ascending', () => {
    const lam = [5, -1, 2, 2, 0.5, -3, 7, 2];
    const got = eigvalsh(symmetricWithSpectrum(lam, 6));
    const want = Float64Array.from(lam).sort();
    assert.ok(maxAbsDiff(got, want) <= 1e-13 * 8 * 7);
  });

  test('bad input: not square, NaN, asymmetric (worst pair named), tolerance', () => {
    assert.throws(() => eigh(new Matrix(2, 3)), /A: expected a square matrix, got 2×3/);
    const N = Matrix.identity(3);
    N.set(0, 2, Infinity);
    assert.throws(() => eigvalsh(N), /A: expected finite entries, got Infinity at \(0, 2\)/);
    const U = randomSymmetric(5, 1);
    U.set(3, 1, U.get(3, 1) + 1e-3);
    U.set(4, 0, U.get(4, 0) + 1e-6);
    assert.throws(
      () => eigh(U),
      /A: expected a symmetric matrix.*A\[3\]\[1\] = .* vs A\[1\]\[3\] = .*worst pair \(3, 1\)/,
    );
    assert.equal(eigvalsh(U, { symmetryTol: 1e-2 }).length, 5);
    assert.throws(() => eigh(U, { symmetryTol: -1 }), /symmetry tolerance must be a number ≥ 0/);
  });
});
