/**
 * The tridiagonal eigensolvers directly: divide and conquer (pairs) and implicit QL (values, and
 * pairs with accumulated rotations) on random tridiagonal matrices built to stress deflation — ties
 * among small-integer diagonals, zero and tiny couplings, wide dynamic range — checked by naive
 * residuals ‖T·u − λ·u‖ and ‖UᵀU − I‖, and by agreement of the two independent methods.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Matrix } from '../matrix.js';
import { householderBackTransform } from './householderBackTransform.js';
import { tridiagonalDivideConquer } from './tridiagonalDivideConquer.js';
import { tridiagonalize } from './tridiagonalize.js';
import { tridiagonalQL } from './tridiagonalQL.js';
import { maxAbsDiff, naiveProduct, randomSymmetric, uniformStream } from './testMatrices.testutil.js';

const EPS = 2 ** -52;

function residuals(
  d: Float64Array,
  e: Float64Array,
  values: Float64Array,
  U: Float64Array,
): { res: number; orth: number } {
  const m = d.length;
  let res = 0;
  let orth = 0;
  for (let j = 0; j < m; j++) {
    for (let r = 0; r < m; r++) {
      let tu = d[r] * U[r * m + j];
      if (r > 0) tu += e[r - 1] * U[(r - 1) * m + j];
      if (r < m - 1) tu += e[r] * U[(r + 1) * m + j];
      res = Math.max(res, Math.abs(tu - values[j] * U[r * m + j]));
    }
    for (let i = 0; i <= j; i++) {
      let s = 0;
      for (let r = 0; r < m; r++) s += U[r * m + i] * U[r * m + j];
      orth = Math.max(orth, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  return { res, orth };
}

function tridiagonal(m: number, kind: number, seed: number): { d: Float64Array; e: Float64Array } {
  const u = uniformStream(seed);
  const d = new Float64Array(m);
  const e = new Float64Array(Math.max(m - 1, 0));
  for (let i = 0; i < m; i++) {
    if (kind === 0) d[i] = 2 * u() - 1;
    else if (kind === 1)
      d[i] = Math.floor(4 * u()); // many ties
    else if (kind === 2)
      d[i] = (2 * u() - 1) * 10 ** (-12 * u()); // wide range
    else d[i] = 1; // constant diagonal
  }
  for (let i = 0; i < m - 1; i++) {
    const r = u();
    e[i] =
      r < 0.1
        ? 0
        : r < 0.2
          ? 1e-13 * (2 * u() - 1)
          : kind === 2
            ? (2 * u() - 1) * 10 ** (-12 * u())
            : 2 * u() - 1;
  }
  return { d, e };
}

describe('tridiagonal eigensolvers', () => {
  test('divide and conquer vs implicit QL: residual and orthogonality ≤ 1e-13·m·‖T‖', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 140 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 1e6 }),
        (m, kind, seed) => {
          const { d, e } = tridiagonal(m, kind, seed);
          let tn = 0;
          for (let i = 0; i < m; i++)
            tn = Math.max(
              tn,
              Math.abs(d[i]) + (i > 0 ? Math.abs(e[i - 1]) : 0) + (i < m - 1 ? Math.abs(e[i]) : 0),
            );
          const dc = tridiagonalDivideConquer(m, d, e);
          const { res, orth } = residuals(d, e, dc.values, dc.vectors);
          assert.ok(
            res <= 1e-13 * m * Math.max(tn, Number.MIN_VALUE),
            `m=${m} kind=${kind}: residual ${res}`,
          );
          assert.ok(orth <= 1e-13 * m, `m=${m} kind=${kind}: orthogonality ${orth}`);
          for (let i = 1; i < m; i++) assert.ok(dc.values[i - 1] <= dc.values[i]);
          const ql = d.slice();
          const eq = new Float64Array(m);
          eq.set(e);
          tridiagonalQL(m, ql, eq);
          assert.ok(
            maxAbsDiff(ql, dc.values) <= 8 * m * EPS * tn,
            `m=${m} kind=${kind}: values differ by ${maxAbsDiff(ql, dc.values)}`,
          );
        },
      ),
      { numRuns: 120, seed: 5 },
    );
  });

  test('QL with accumulated rotations gives orthonormal eigenvectors', () => {
    const { d, e } = tridiagonal(30, 1, 99);
    const values = d.slice();
    const ee = new Float64Array(30);
    ee.set(e);
    const Z = new Float64Array(900);
    for (let i = 0; i < 30; i++) Z[i * 31] = 1;
    tridiagonalQL(30, values, ee, Z);
    const { res, orth } = residuals(d, e, values, Z);
    assert.ok(res <= 1e-14 * 30 * 4 && orth <= 1e-14 * 30, `res ${res} orth ${orth}`);
  });
});

describe('Householder tridiagonalization', () => {
  for (const n of [1, 2, 3, 33, 70, 131]) {
    test(`n = ${n}: Q from the WY back-transform is orthogonal and Qᵀ·A·Q is the returned T`, () => {
      const A = randomSymmetric(n, 17 * n);
      const work = A.data.slice();
      const { d, e, tau } = tridiagonalize(n, work, true);
      const Q = Matrix.identity(n);
      householderBackTransform(n, work, tau, Q.data, n);
      const QtQ = naiveProduct(Q, Q, true, false);
      assert.ok(maxAbsDiff(QtQ.data, Matrix.identity(n).data) <= 1e-14 * n);
      const T = naiveProduct(naiveProduct(Q, A, true, false), Q);
      const Tref = new Matrix(n, n);
      for (let i = 0; i < n; i++) {
        Tref.set(i, i, d[i]);
        if (i > 0) {
          Tref.set(i, i - 1, e[i - 1]);
          Tref.set(i - 1, i, e[i - 1]);
        }
      }
      assert.ok(maxAbsDiff(T.data, Tref.data) <= 1e-14 * n * n, `max error ${maxAbsDiff(T.data, Tref.data)}`);
    });
  }
});
