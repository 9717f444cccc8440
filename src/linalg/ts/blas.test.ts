/**
 * tsBackend GEMM / SYRK / GEMV against the textbook triple loop (testMatrices.naiveProduct) on random
 * shapes, all transpose combinations, α/β and row-block views. Elementwise tolerance: the rounding
 * bound of a length-k dot product, |fl(x·y) − x·y| ≤ γ_k·|x|ᵀ|y| ≲ k·ε·k for entries in [−1, 1)
 * (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., eq. 3.5), with slack 4.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Matrix } from '../matrix.js';
import { tsBackend } from './index.js';
import { maxAbsDiff, naiveProduct, randomMatrix } from './testMatrices.testutil.js';

const EPS = 2 ** -52;
const tol = (k: number, scale: number): number => 4 * (k + 2) * (k + 2) * EPS * scale;

/** A matrix stored as rows [r0, r0 + rows) of a taller one, so that its data is an offset view. */
function asRowBlockView(M: Matrix, r0: number, seed: number): Matrix {
  const big = randomMatrix(M.rows + r0 + 2, M.cols, seed);
  big.data.set(M.data, r0 * M.cols);
  return big.rowBlock(r0, r0 + M.rows);
}

const alphas = fc.constantFrom(1, -0.5, 2.5, 0);
const betas = fc.constantFrom(0, 1, -1.5);

describe('tsBackend.gemm', () => {
  test('matches the naive product for random shapes, transposes, α, β and views', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 70 }),
        fc.integer({ min: 0, max: 70 }),
        fc.integer({ min: 0, max: 70 }),
        fc.boolean(),
        fc.boolean(),
        alphas,
        betas,
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 1e6 }),
        (m, n, k, tA, tB, alpha, beta, view, seed) => {
          let A = tA ? randomMatrix(k, m, seed) : randomMatrix(m, k, seed);
          let B = tB ? randomMatrix(n, k, seed + 1) : randomMatrix(k, n, seed + 1);
          const C0 = randomMatrix(m, n, seed + 2);
          if (view > 0) {
            A = asRowBlockView(A, view, seed + 3);
            B = asRowBlockView(B, view + 1, seed + 4);
          }
          const C = view > 1 ? asRowBlockView(C0, view, seed + 5) : C0.clone();
          if (beta === 0) C.data.fill(NaN); // β = 0 must not read C
          tsBackend.gemm(tA, tB, alpha, A, B, beta, C);
          const P = naiveProduct(A, B, tA, tB);
          const expected = P.data.map((p, i) => alpha * p + (beta === 0 ? 0 : beta * C0.data[i]));
          assert.ok(
            maxAbsDiff(C.data, expected) <= tol(k, 1 + Math.abs(beta)),
            `m=${m} n=${n} k=${k} tA=${tA} tB=${tB}`,
          );
        },
      ),
      { numRuns: 150, seed: 20261122 },
    );
  });

  test('crosses every blocking boundary (KC = 256, MC = 96, NC = 1024, 6×4 tile edges)', () => {
    for (const [m, n, k] of [
      [101, 131, 300],
      [7, 1100, 40],
      [193, 5, 513],
    ]) {
      for (const [tA, tB] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ]) {
        const A = tA ? randomMatrix(k, m, m) : randomMatrix(m, k, m);
        const B = tB ? randomMatrix(n, k, n) : randomMatrix(k, n, n);
        const C = new Matrix(m, n);
        tsBackend.gemm(tA, tB, 1, A, B, 0, C);
        const d = maxAbsDiff(C.data, naiveProduct(A, B, tA, tB).data);
        assert.ok(d <= tol(k, 1), `m=${m} n=${n} k=${k} tA=${tA} tB=${tB}: max error ${d}`);
      }
    }
  });
});

describe('tsBackend.syrk', () => {
  test('equals α·op(A)·op(A)ᵀ + β·C in both triangles', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 130 }),
        fc.integer({ min: 0, max: 60 }),
        fc.boolean(),
        alphas,
        betas,
        fc.integer({ min: 1, max: 1e6 }),
        (n, k, trans, alpha, beta, seed) => {
          const A = trans ? randomMatrix(k, n, seed) : randomMatrix(n, k, seed);
          const S = randomMatrix(n, n, seed + 1);
          const C0 = naiveProduct(S, S, false, true); // symmetric start
          const C = C0.clone();
          tsBackend.syrk(trans, alpha, A, beta, C);
          const P = naiveProduct(A, A, trans, !trans);
          const expected = P.data.map((p, i) => alpha * p + beta * C0.data[i]);
          assert.ok(
            maxAbsDiff(C.data, expected) <= tol(k, 1 + Math.abs(beta) * n),
            `n=${n} k=${k} trans=${trans}`,
          );
          for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) assert.equal(C.get(i, j), C.get(j, i));
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });
});

describe('tsBackend.gemv', () => {
  test('equals α·op(A)·x + β·y', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        fc.boolean(),
        alphas,
        betas,
        fc.integer({ min: 1, max: 1e6 }),
        (m, n, trans, alpha, beta, seed) => {
          const A = asRowBlockView(randomMatrix(m, n, seed), 2, seed + 9);
          const x = randomMatrix(trans ? m : n, 1, seed + 1);
          const y0 = randomMatrix(trans ? n : m, 1, seed + 2);
          const y = beta === 0 ? new Float64Array(y0.rows).fill(NaN) : y0.data.slice();
          tsBackend.gemv(trans, alpha, A, x.data, beta, y);
          const P = naiveProduct(A, x, trans, false);
          const expected = P.data.map((p, i) => alpha * p + beta * y0.data[i]);
          assert.ok(maxAbsDiff(y, expected) <= tol(trans ? m : n, 1 + Math.abs(beta)));
        },
      ),
      { numRuns: 100, seed: 11 },
    );
  });
});
