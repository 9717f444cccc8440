/**
 * tsBackend.syev (Householder tridiagonalization; implicit QL for values, divide and conquer for pairs;
 * WY back-transform)
 * against closed forms and the accuracy bounds:
 *   ‖A·V − V·Λ‖_F/‖A‖_F ≤ 1e-12·n  and  ‖VᵀV − I‖_F ≤ 1e-12·n,
 * residuals computed by naive loops. Spectra are checked against matrices built with a known
 * spectrum (Q·diag(λ)·Qᵀ), the 1-2-1 Toeplitz closed form, trace and Frobenius invariants, and on
 * random, repeated-eigenvalue, clustered, graded, rank-deficient and extreme-scale inputs.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../matrix.js';
import { tsBackend } from './index.js';
import {
  eigenResiduals,
  maxAbsDiff,
  naiveProduct,
  randomMatrix,
  randomSymmetric,
  symmetricWithSpectrum,
} from './testMatrices.testutil.js';

const EPS = 2 ** -52;

function checkPairs(A: Matrix, label: string): { values: Float64Array; vectors: Matrix } {
  const n = A.rows;
  const { values, vectors } = tsBackend.syev(A, true);
  assert.ok(vectors !== null);
  const vOnly = tsBackend.syev(A, false);
  assert.equal(vOnly.vectors, null);
  // values only (implicit QL) and with vectors (divide and conquer) are independent computations
  let amax0 = 0;
  for (const v of A.data) amax0 = Math.max(amax0, Math.abs(v));
  assert.ok(maxAbsDiff(vOnly.values, values) <= 1e-13 * Math.max(n, 1) * amax0, `${label}: QL vs D&C values`);
  for (let i = 1; i < n; i++) assert.ok(values[i - 1] <= values[i], `${label}: ascending at ${i}`);
  const { residual, orthogonality } = eigenResiduals(A, values, vectors);
  assert.ok(residual <= 1e-12 * Math.max(n, 1), `${label}: residual ${residual}`);
  assert.ok(orthogonality <= 1e-12 * Math.max(n, 1), `${label}: orthogonality ${orthogonality}`);
  // invariants: Σλ = tr A, Σλ² = ‖A‖_F²
  let amax = 0;
  for (const v of A.data) amax = Math.max(amax, Math.abs(v));
  const inv = amax === 0 ? 1 : 1 / amax; // work with A/max|a| so that squares stay in range
  let tr = 0;
  let fro = 0;
  for (let i = 0; i < n; i++) tr += A.get(i, i) * inv;
  for (const v of A.data) fro += (v * inv) ** 2;
  let s1 = 0;
  let s2 = 0;
  for (const v of values) {
    s1 += v * inv;
    s2 += (v * inv) ** 2;
  }
  const scale = Math.sqrt(fro);
  assert.ok(Math.abs(s1 - tr) <= 1e-13 * n * scale, `${label}: trace`);
  assert.ok(Math.abs(s2 - fro) <= 1e-13 * n * fro, `${label}: Frobenius`);
  return { values, vectors };
}

describe('tsBackend.syev', () => {
  test('n = 0 and n = 1', () => {
    const e0 = tsBackend.syev(new Matrix(0, 0), true);
    assert.equal(e0.values.length, 0);
    assert.equal(e0.vectors?.rows, 0);
    const e1 = tsBackend.syev(Matrix.fromRows([[-3.5]]), true);
    assert.deepEqual(Array.from(e1.values), [-3.5]);
    assert.deepEqual(Array.from(e1.vectors!.data), [1]);
  });

  test('2×2 closed form λ = (a+c)/2 ± √(((a−c)/2)² + b²)', () => {
    for (const [a, b, c] of [
      [2, 1, 2],
      [1, 1e-9, 1],
      [0, 3, -4],
      [5, 0, -5],
    ]) {
      const A = Matrix.fromRows([
        [a, b],
        [b, c],
      ]);
      const { values } = checkPairs(A, `2x2 ${a},${b},${c}`);
      const r = Math.hypot((a - c) / 2, b);
      assert.ok(
        Math.abs(values[0] - ((a + c) / 2 - r)) <= 4 * EPS * (Math.abs(a) + Math.abs(b) + Math.abs(c)),
      );
      assert.ok(
        Math.abs(values[1] - ((a + c) / 2 + r)) <= 4 * EPS * (Math.abs(a) + Math.abs(b) + Math.abs(c)),
      );
    }
  });

  test('1-2-1 Toeplitz matrix: λ_k = 2 − 2cos(kπ/(n+1))', () => {
    const n = 120;
    const A = new Matrix(n, n);
    for (let i = 0; i < n; i++) {
      A.set(i, i, 2);
      if (i > 0) {
        A.set(i, i - 1, -1);
        A.set(i - 1, i, -1);
      }
    }
    const { values } = checkPairs(A, 'toeplitz');
    for (let k = 1; k <= n; k++)
      assert.ok(Math.abs(values[k - 1] - (2 - 2 * Math.cos((k * Math.PI) / (n + 1)))) <= 1e-14 * n);
  });

  for (const n of [3, 31, 32, 33, 49, 97, 160]) {
    test(`random symmetric n = ${n}`, () => {
      checkPairs(randomSymmetric(n, 1000 + n), `random ${n}`);
    });
  }

  test('known spectrum with repeated eigenvalues (multiplicities up to 20)', () => {
    const values = Array.from({ length: 90 }, (_, i) =>
      i < 20 ? 1 : i < 35 ? -2 : i < 40 ? 0 : i < 60 ? 3.25 : i - 60,
    );
    const A = symmetricWithSpectrum(values, 5);
    const { values: got } = checkPairs(A, 'repeated');
    const want = Float64Array.from(values).sort();
    assert.ok(maxAbsDiff(got, want) <= 1e-13 * 90 * 30, `max error ${maxAbsDiff(got, want)}`);
  });

  test('a tight cluster: I + 1e-9·(random symmetric)', () => {
    const n = 100;
    const A = randomSymmetric(n, 77);
    for (let k = 0; k < n * n; k++) A.data[k] *= 1e-9;
    for (let i = 0; i < n; i++) A.data[i * n + i] += 1;
    checkPairs(A, 'cluster');
  });

  test('Wilkinson W⁺₂₁ (pairs of eigenvalues equal to ~1e-14) and diagonal/identity/zero matrices', () => {
    const n = 21;
    const W = new Matrix(n, n);
    for (let i = 0; i < n; i++) {
      W.set(i, i, Math.abs(10 - i));
      if (i > 0) {
        W.set(i, i - 1, 1);
        W.set(i - 1, i, 1);
      }
    }
    const { values } = checkPairs(W, 'wilkinson');
    assert.ok(Math.abs(values[20] - values[19]) < 1e-12);
    assert.ok(Math.abs(values[20] - 10.746194182903393) < 1e-12);
    const D = new Matrix(5, 5);
    [3, -1, 0, 3, 2].forEach((v, i) => D.set(i, i, v));
    const { values: dv, vectors } = checkPairs(D, 'diagonal');
    assert.deepEqual(Array.from(dv), [-1, 0, 2, 3, 3]);
    for (const v of vectors.data) assert.ok(v === 0 || Math.abs(v) === 1);
    checkPairs(Matrix.identity(40), 'identity');
    const Z = checkPairs(new Matrix(40, 40), 'zero');
    assert.ok(Z.values.every((v) => v === 0));
  });

  test('glued Wilkinson matrices (6 copies of W⁺₂₁ coupled by 1e-10): heavy deflation in divide and conquer', () => {
    const copies = 6;
    const n = 21 * copies;
    const G = new Matrix(n, n);
    for (let c = 0; c < copies; c++) {
      for (let i = 0; i < 21; i++) {
        const r = 21 * c + i;
        G.set(r, r, Math.abs(10 - i));
        if (i > 0) {
          G.set(r, r - 1, 1);
          G.set(r - 1, r, 1);
        }
      }
      if (c > 0) {
        G.set(21 * c, 21 * c - 1, 1e-10);
        G.set(21 * c - 1, 21 * c, 1e-10);
      }
    }
    checkPairs(G, 'glued wilkinson');
  });

  test('dense matrices with a spectrum decaying like a kernel matrix (λ_i = 2^−i/4)', () => {
    const values = Array.from({ length: 150 }, (_, i) => 2 ** (-i / 4));
    const A = symmetricWithSpectrum(values, 21);
    const { values: got } = checkPairs(A, 'decaying');
    const want = Float64Array.from(values).sort();
    assert.ok(maxAbsDiff(got, want) <= 1e-13 * 150);
  });

  test('graded matrix a_ij = r_ij·10^(−(i+j)/8)', () => {
    const n = 80;
    const A = randomSymmetric(n, 3);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A.data[i * n + j] *= 10 ** (-(i + j) / 8);
    checkPairs(A, 'graded');
  });

  test('rank-deficient B·Bᵀ (B 120×3): 117 eigenvalues at rounding level', () => {
    const B = randomMatrix(120, 3, 9);
    const A = naiveProduct(B, B, false, true);
    const { values } = checkPairs(A, 'rank 3');
    const top = values[119];
    for (let i = 0; i < 117; i++)
      assert.ok(Math.abs(values[i]) <= 1e-13 * 120 * top, `λ_${i} = ${values[i]}`);
    assert.ok(values[117] > 1e-3 * top);
  });

  test('extreme scales: 2^±600·A gives exactly 2^±600·λ(A); 1e-300·A and subnormal A stay accurate', () => {
    const A = randomSymmetric(40, 8);
    const base = tsBackend.syev(A, true).values;
    const valuesOnly = tsBackend.syev(A, false).values;
    for (const s of [2 ** 600, 2 ** -600]) {
      const As = new Matrix(
        40,
        40,
        A.data.map((v) => v * s),
      );
      const got = checkPairs(As, `scale ${s}`).values;
      assert.deepEqual(
        Array.from(got),
        Array.from(base, (v) => v * s),
      );
      assert.deepEqual(
        Array.from(tsBackend.syev(As, false).values),
        Array.from(valuesOnly, (v) => v * s),
      );
    }
    // subnormal range: max|a| ≈ 2^−1040 (the entries keep about 34 significant bits)
    const sub = tsBackend.syev(
      new Matrix(
        40,
        40,
        A.data.map((v) => v * 2 ** -520 * 2 ** -520),
      ),
      false,
    ).values;
    for (let i = 0; i < 40; i++)
      assert.ok(Math.abs(sub[i] * 2 ** 520 * 2 ** 520 - valuesOnly[i]) <= 1e-8, `λ_${i}`);
    const tiny = new Matrix(
      40,
      40,
      A.data.map((v) => v * 1e-300),
    );
    const got = checkPairs(tiny, 'scale 1e-300').values;
    for (let i = 0; i < 40; i++) assert.ok(Math.abs(got[i] / 1e-300 - base[i]) <= 1e-12);
  });

  test('only the lower triangle is read; A is not modified', () => {
    const A = randomSymmetric(50, 4);
    const L = A.clone();
    for (let i = 0; i < 50; i++) for (let j = i + 1; j < 50; j++) L.set(i, j, 999);
    const before = L.data.slice();
    const a = tsBackend.syev(A, true);
    const b = tsBackend.syev(L, true);
    assert.deepEqual(b.values, a.values);
    assert.deepEqual(b.vectors!.data, a.vectors!.data);
    assert.deepEqual(L.data, before);
  });
});

describe('tsBackend.syev at paper scale (NTK_SLOW=1)', () => {
  const slow = process.env.NTK_SLOW === '1';
  test(
    'n = 600: random and ReLU-kernel-like matrices meet the 1e-12·n bounds',
    { skip: slow ? false : 'set NTK_SLOW=1 to run' },
    () => {
      checkPairs(randomSymmetric(600, 600), 'random 600');
      // arc-cosine (ReLU NNGP) kernel of 600 points in R⁸: a fast-decaying, heavily deflating spectrum
      const X = randomMatrix(600, 8, 601);
      const K = new Matrix(600, 600);
      for (let i = 0; i < 600; i++) {
        for (let j = 0; j < 600; j++) {
          let xy = 0;
          let xx = 0;
          let yy = 0;
          for (let p = 0; p < 8; p++) {
            xy += X.get(i, p) * X.get(j, p);
            xx += X.get(i, p) ** 2;
            yy += X.get(j, p) ** 2;
          }
          const nrm = Math.sqrt(xx * yy);
          const cos = Math.max(-1, Math.min(1, xy / nrm));
          const t = Math.acos(cos);
          K.set(i, j, (nrm * (Math.sin(t) + (Math.PI - t) * cos)) / (2 * Math.PI));
        }
      }
      for (let i = 0; i < 600; i++) for (let j = 0; j < i; j++) K.set(j, i, K.get(i, j));
      checkPairs(K, 'relu kernel 600');
    },
  );
});
