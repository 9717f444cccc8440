/**
 * Public matmul / syrk / gemv on the active backend (NTK_BACKEND) against the naive triple loop,
 * plus the argument errors. Tolerance: γ_k-style rounding bound for length-k dot products, slack 4.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { gemv, matmul, syrk } from './blas.js';
import { Matrix } from './matrix.js';
import { maxAbsDiff, naiveProduct, randomMatrix } from './ts/testMatrices.testutil.js';

const EPS = 2 ** -52;
const tol = (k: number, scale: number): number => 4 * (k + 2) * (k + 2) * EPS * scale;

describe('matmul', () => {
  test('α·op(A)·op(B) + β·C against the naive product (random shapes, transposes, views)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(1, -2),
        fc.constantFrom(0, 0.5),
        fc.integer({ min: 1, max: 1e6 }),
        (m, n, k, transA, transB, alpha, beta, seed) => {
          const A = (transA ? randomMatrix(k + 3, m, seed) : randomMatrix(m + 3, k, seed)).rowBlock(
            3,
            3 + (transA ? k : m),
          );
          const B = transB ? randomMatrix(n, k, seed + 1) : randomMatrix(k, n, seed + 1);
          const C0 = randomMatrix(m, n, seed + 2);
          const out = C0.clone();
          const C = matmul(A, B, { transA, transB, alpha, beta, out });
          assert.equal(C, out);
          const P = naiveProduct(A, B, transA, transB);
          assert.ok(
            maxAbsDiff(
              C.data,
              P.data.map((p, i) => alpha * p + beta * C0.data[i]),
            ) <= tol(k, 2),
          );
        },
      ),
      { numRuns: 80, seed: 42 },
    );
  });

  test('a new result when no out is given, zero-sized products', () => {
    const A = Matrix.fromRows([
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(matmul(A, A).toRows(), [
      [7, 10],
      [15, 22],
    ]);
    assert.deepEqual(matmul(A, A, { transA: true }).toRows(), [
      [10, 14],
      [14, 20],
    ]);
    const Z = matmul(new Matrix(3, 0), new Matrix(0, 2));
    assert.deepEqual(Z.toRows(), [
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });

  test('bad input: inner dimensions, out shape, NaN, aliasing, non-matrices', () => {
    const A = randomMatrix(3, 4, 1);
    assert.throws(() => matmul(A, A), /inner dimensions differ: op\(A\) is 3×4 .* op\(B\) is 3×4/);
    assert.throws(
      () => matmul(A, A, { transB: true, out: new Matrix(4, 4) }),
      /out: expected shape 3×3, got 4×4/,
    );
    const N = A.clone();
    N.set(2, 1, NaN);
    assert.throws(() => matmul(N, A, { transB: true }), /A: expected finite entries, got NaN at \(2, 1\)/);
    const S = randomMatrix(3, 3, 2);
    assert.throws(() => matmul(S, S, { out: S }), /out: must not share memory with A/);
    assert.throws(() => matmul(S, [[1]] as unknown as Matrix), /B: expected a Matrix, got Array/);
    assert.throws(() => matmul(S, S, { alpha: NaN }), /alpha: expected a finite number/);
  });
});

describe('syrk', () => {
  test('A·Aᵀ and Aᵀ·A against the naive product, symmetric output', () => {
    for (const [n, k] of [
      [0, 3],
      [5, 0],
      [17, 9],
      [130, 20],
    ]) {
      const A = randomMatrix(n, k, n + k);
      const C = syrk(A);
      assert.ok(maxAbsDiff(C.data, naiveProduct(A, A, false, true).data) <= tol(k, 1));
      const D = syrk(A, { trans: true, alpha: 2 });
      assert.ok(
        maxAbsDiff(
          D.data,
          naiveProduct(A, A, true, false).data.map((v) => 2 * v),
        ) <= tol(n, 2),
      );
      for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) assert.equal(D.get(i, j), D.get(j, i));
    }
  });

  test('bad input', () => {
    assert.throws(
      () => syrk(randomMatrix(3, 2, 1), { out: new Matrix(2, 2) }),
      /out: expected shape 3×3, got 2×2/,
    );
    const A = randomMatrix(3, 2, 1);
    A.set(0, 0, Infinity);
    assert.throws(() => syrk(A), /A: expected finite entries, got Infinity at \(0, 0\)/);
  });
});

describe('gemv', () => {
  test('α·op(A)·x + β·y against the naive product', () => {
    const A = randomMatrix(37, 23, 5);
    const x = randomMatrix(23, 1, 6).data;
    const z = randomMatrix(37, 1, 7).data;
    const y = gemv(A, x);
    assert.ok(maxAbsDiff(y, naiveProduct(A, new Matrix(23, 1, x)).data) <= tol(23, 1));
    const out = z.slice();
    const w = gemv(A, z, { trans: true, alpha: -1, beta: 0.5, out: new Float64Array(23).fill(2) });
    const ref = naiveProduct(A, new Matrix(37, 1, z), true).data.map((v) => -v + 1);
    assert.ok(maxAbsDiff(w, ref) <= tol(37, 2));
    assert.deepEqual(out, z); // x is not modified
  });

  test('bad input', () => {
    const A = randomMatrix(3, 2, 1);
    assert.throws(
      () => gemv(A, new Float64Array(3)),
      /x: expected length 2 to multiply A \(A 3×2\), got length 3/,
    );
    assert.throws(
      () => gemv(A, new Float64Array(2), { out: new Float64Array(2) }),
      /out: expected length 3, got length 2/,
    );
    assert.throws(() => gemv(A, [1, 2] as unknown as Float64Array), /x: expected a Float64Array, got Array/);
  });
});
