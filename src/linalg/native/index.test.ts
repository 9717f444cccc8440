/**
 * The native backend against independent naive references: triple-loop products, unblocked
 * Cholesky, forward/back substitution, cyclic Jacobi eigenvalues, and matrices of known spectrum
 * (Q·diag(λ)·Qᵀ with Q a product of Householder reflectors). Elementwise tolerances follow the
 * standard rounding bound for a length-k dot product, |fl(x·y) − x·y| ≤ γ_k·|x|·|y| (Higham,
 * "Accuracy and Stability of Numerical Algorithms", 2nd ed., eq. 3.5), with slack factor 4.
 *
 * Skipped (with the reason) when the native libraries cannot load, unless NTK_BACKEND=blas.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Matrix } from '../matrix.js';
import { loadNativeBackend, type NativeBackend } from './index.cjs';

let blas: NativeBackend | null = null;
let skip: string | false = false;
try {
  blas = loadNativeBackend(Matrix);
} catch (err) {
  if (process.env.NTK_BACKEND === 'blas') throw err;
  skip = `native OpenBLAS/LAPACKE did not load: ${err instanceof Error ? err.message : String(err)}`;
  console.log(`# skipping native backend tests: ${skip}`);
}
const B = (): NativeBackend => blas as NativeBackend;

const EPS = 2 ** -52;

/** Deterministic entries in [-1, 1) from a seed (splitmix32; the tests only need variety). */
function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 2 ** 31 - 1;
  };
}

function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const r = rand(seed);
  const m = new Matrix(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = r();
  return m;
}

function opGet(M: Matrix, trans: boolean, i: number, j: number): number {
  return trans ? M.get(j, i) : M.get(i, j);
}

/** Naive C ← α·op(A)·op(B) + β·C, plus the elementwise error bound of each entry. */
function naiveGemm(tA: boolean, tB: boolean, alpha: number, A: Matrix, Bm: Matrix, beta: number, C: Matrix) {
  const m = C.rows;
  const n = C.cols;
  const k = tA ? A.rows : A.cols;
  const out = new Matrix(m, n);
  const bound = new Matrix(m, n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let abs = 0;
      for (let p = 0; p < k; p++) {
        const t = opGet(A, tA, i, p) * opGet(Bm, tB, p, j);
        s += t;
        abs += Math.abs(t);
      }
      const c = beta === 0 ? 0 : beta * C.get(i, j);
      out.set(i, j, alpha * s + c);
      bound.set(i, j, 4 * (k + 2) * EPS * (Math.abs(alpha) * abs + Math.abs(c)) + 1e-300);
    }
  }
  return { out, bound };
}

function assertWithin(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  bound: ArrayLike<number> | number,
  what: string,
): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) {
    const b = typeof bound === 'number' ? bound : bound[i];
    if (!(Math.abs(got[i] - want[i]) <= b)) {
      assert.fail(`${what}: entry ${i} is ${got[i]}, expected ${want[i]} ± ${b}`);
    }
  }
}

/** Cyclic Jacobi eigenvalues (Golub & Van Loan, 4th ed., Alg. 8.5.3), sorted ascending. */
function jacobiEigenvalues(S: Matrix): Float64Array {
  const n = S.rows;
  const a = S.clone();
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a.set(i, j, a.get(j, i));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) off += a.get(i, j) ** 2;
    if (off < 1e-34) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a.get(p, q);
        if (apq === 0) continue;
        const tau = (a.get(q, q) - a.get(p, p)) / (2 * apq);
        const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a.get(k, p);
          const akq = a.get(k, q);
          a.set(k, p, c * akp - s * akq);
          a.set(k, q, s * akp + c * akq);
        }
        for (let k = 0; k < n; k++) {
          const apk = a.get(p, k);
          const aqk = a.get(q, k);
          a.set(p, k, c * apk - s * aqk);
          a.set(q, k, s * apk + c * aqk);
        }
      }
    }
  }
  return Float64Array.from({ length: n }, (_, i) => a.get(i, i)).sort();
}

/** Q·diag(λ)·Qᵀ with Q = H₁H₂H₃ (Householder reflectors I − 2vvᵀ/vᵀv) — eigenvalues exactly λ. */
function knownSpectrum(lambda: number[], seed: number): { S: Matrix; Q: Matrix } {
  const n = lambda.length;
  let Q = Matrix.identity(n);
  const r = rand(seed);
  for (let h = 0; h < 3; h++) {
    const v = Float64Array.from({ length: n }, () => r());
    const vv = v.reduce((s, x) => s + x * x, 0);
    const next = new Matrix(n, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += Q.get(i, k) * ((k === j ? 1 : 0) - (2 * v[k] * v[j]) / vv);
        next.set(i, j, s);
      }
    }
    Q = next;
  }
  const S = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += Q.get(i, k) * lambda[k] * Q.get(j, k);
      S.set(i, j, s);
    }
  }
  return { S, Q };
}

function frobenius(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/** ‖A·V − V·Λ‖_F / ‖A‖_F and ‖VᵀV − I‖_F (the accuracy measures of the eigensolvers). */
function eigenResiduals(
  S: Matrix,
  values: Float64Array,
  V: Matrix,
): { residual: number; orthogonality: number } {
  const n = S.rows;
  const full = S.clone();
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) full.set(i, j, full.get(j, i));
  const R = new Float64Array(n * n);
  const O = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let av = 0;
      let vv = 0;
      for (let k = 0; k < n; k++) {
        av += full.get(i, k) * V.get(k, j);
        vv += V.get(k, i) * V.get(k, j);
      }
      R[i * n + j] = av - V.get(i, j) * values[j];
      O[i * n + j] = vv - (i === j ? 1 : 0);
    }
  }
  return { residual: frobenius(R) / frobenius(full.data), orthogonality: frobenius(O) };
}

const dim = fc.integer({ min: 0, max: 9 });
const coef = fc.constantFrom(0, 1, -1, 0.5, 2.25);

describe('native OpenBLAS/LAPACKE backend', { skip }, () => {
  test('reports its libraries and OpenBLAS thread count', () => {
    assert.equal(B().name, 'blas');
    assert.ok(B().native.libraries.length >= 1);
    const t = B().native.threads();
    assert.ok(t === null || (Number.isInteger(t) && t >= 1));
    if (t !== null && B().native.setThreads(1)) {
      assert.equal(B().native.threads(), 1);
      B().native.setThreads(t);
      assert.equal(B().native.threads(), t);
    }
    assert.throws(() => B().native.setThreads(0), /setThreads: n must be a positive integer, got 0/);
  });

  test('gemm equals the naive product for every transpose combination and shape (incl. 0)', () => {
    fc.assert(
      fc.property(
        dim,
        dim,
        dim,
        fc.boolean(),
        fc.boolean(),
        coef,
        coef,
        fc.integer(),
        (m, n, k, tA, tB, alpha, beta, seed) => {
          const A = tA ? randomMatrix(k, m, seed) : randomMatrix(m, k, seed);
          const Bm = tB ? randomMatrix(n, k, seed + 1) : randomMatrix(k, n, seed + 1);
          const C = randomMatrix(m, n, seed + 2);
          const { out, bound } = naiveGemm(tA, tB, alpha, A, Bm, beta, C);
          B().gemm(tA, tB, alpha, A, Bm, beta, C);
          assertWithin(C.data, out.data, bound.data, `gemm ${m}×${n}×${k} tA=${tA} tB=${tB}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('gemm at a blocked size (n = 150) matches the naive product', () => {
    const A = randomMatrix(150, 130, 1);
    const Bm = randomMatrix(140, 130, 2);
    const C = randomMatrix(150, 140, 3);
    const { out, bound } = naiveGemm(false, true, 1.5, A, Bm, -0.5, C);
    B().gemm(false, true, 1.5, A, Bm, -0.5, C);
    assertWithin(C.data, out.data, bound.data, 'gemm 150×140×130');
  });

  test('gemm with β = 0 overwrites C even when it holds NaN (BLAS convention)', () => {
    const A = randomMatrix(4, 3, 5);
    const Bm = randomMatrix(3, 6, 6);
    const C = new Matrix(4, 6, new Float64Array(24).fill(NaN));
    const { out, bound } = naiveGemm(false, false, 1, A, Bm, 0, C);
    B().gemm(false, false, 1, A, Bm, 0, C);
    assertWithin(C.data, out.data, bound.data, 'gemm β=0');
    const C0 = new Matrix(2, 2, new Float64Array(4).fill(NaN));
    B().gemm(false, false, 1, new Matrix(2, 0), new Matrix(0, 2), 0, C0);
    assert.deepEqual(Array.from(C0.data), [0, 0, 0, 0]);
  });

  test('gemm works on row-block views (byteOffset ≠ 0) and leaves the rest of the buffer alone', () => {
    const bigA = randomMatrix(20, 7, 11);
    const bigB = randomMatrix(30, 7, 12);
    const bigC = randomMatrix(25, 9, 13);
    const before = bigC.clone();
    const A = bigA.rowBlock(5, 11); // 6×7
    const Bm = bigB.rowBlock(17, 26); // 9×7
    const C = bigC.rowBlock(10, 16); // 6×9
    assert.ok(A.data.byteOffset > 0 && Bm.data.byteOffset > 0 && C.data.byteOffset > 0);
    const { out, bound } = naiveGemm(false, true, 2, A, Bm, 0.5, C);
    B().gemm(false, true, 2, A, Bm, 0.5, C);
    assertWithin(C.data, out.data, bound.data, 'gemm on views');
    for (let i = 0; i < bigC.data.length; i++) {
      if (i < 10 * 9 || i >= 16 * 9)
        assert.equal(bigC.data[i], before.data[i], `entry ${i} outside the view changed`);
    }
  });

  test('gemm on a SharedArrayBuffer-backed view (worker-thread tiles)', () => {
    const big = new Matrix(9, 5, new Float64Array(new SharedArrayBuffer(8 * 45)));
    big.data.set(randomMatrix(9, 5, 14).data);
    const A = big.rowBlock(3, 7);
    const C = new Matrix(4, 4);
    const { out, bound } = naiveGemm(false, true, 1, A, A, 0, C);
    B().gemm(false, true, 1, A, A, 0, C);
    assertWithin(C.data, out.data, bound.data, 'gemm on a shared view');
  });

  test('gemm rejects mismatched shapes, naming the argument', () => {
    assert.throws(
      () => B().gemm(false, false, 1, new Matrix(2, 3), new Matrix(4, 2), 0, new Matrix(2, 2)),
      /gemm: op\(B\)/,
    );
    assert.throws(
      () => B().gemm(false, false, 1, new Matrix(2, 3), new Matrix(3, 2), 0, new Matrix(3, 2)),
      /gemm: C must be 2×2, got 3×2/,
    );
  });

  test('syrk equals the naive A·Aᵀ / Aᵀ·A update, both triangles', () => {
    fc.assert(
      fc.property(
        dim,
        dim,
        fc.boolean(),
        coef,
        coef,
        fc.integer(),
        fc.boolean(),
        (n, k, trans, alpha, beta, seed, symC) => {
          const A = trans ? randomMatrix(k, n, seed) : randomMatrix(n, k, seed);
          const C = randomMatrix(n, n, seed + 1);
          if (symC) for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) C.set(j, i, C.get(i, j));
          const { out, bound } = naiveGemm(trans, !trans, alpha, A, A, beta, C);
          B().syrk(trans, alpha, A, beta, C);
          assertWithin(C.data, out.data, bound.data, `syrk n=${n} k=${k} trans=${trans} symC=${symC}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('syrk on views at a blocked size (n = 130)', () => {
    const big = randomMatrix(300, 70, 21);
    const A = big.rowBlock(100, 230); // 130×70
    const bigC = new Matrix(140, 130);
    const C = bigC.rowBlock(5, 135);
    const { out, bound } = naiveGemm(false, true, 1, A, A, 0, C);
    B().syrk(false, 1, A, 0, C);
    assertWithin(C.data, out.data, bound.data, 'syrk view');
    assert.ok(
      bigC.data.subarray(0, 5 * 130).every((x) => x === 0) &&
        bigC.data.subarray(135 * 130).every((x) => x === 0),
    );
  });

  test('gemv equals the naive product, with subarray views for x and y', () => {
    fc.assert(
      fc.property(dim, dim, fc.boolean(), coef, coef, fc.integer(), (m, n, trans, alpha, beta, seed) => {
        const A = randomMatrix(m, n, seed);
        const xLen = trans ? m : n;
        const yLen = trans ? n : m;
        const xBuf = randomMatrix(1, xLen + 3, seed + 1).data;
        const yBuf = randomMatrix(1, yLen + 5, seed + 2).data;
        const yBefore = yBuf.slice();
        const x = xBuf.subarray(3);
        const y = yBuf.subarray(2, 2 + yLen);
        const X = new Matrix(xLen, 1, x.slice());
        const Y = new Matrix(yLen, 1, y.slice());
        const { out, bound } = naiveGemm(trans, false, alpha, A, X, beta, Y);
        B().gemv(trans, alpha, A, x, beta, y);
        assertWithin(y, out.data, bound.data, `gemv ${m}×${n} trans=${trans}`);
        for (const i of [0, 1, yLen + 2, yLen + 3, yLen + 4])
          assert.equal(yBuf[i], yBefore[i], 'y outside its view changed');
      }),
      { numRuns: 300 },
    );
    assert.throws(
      () => B().gemv(false, 1, new Matrix(2, 3), new Float64Array(2), 0, new Float64Array(2)),
      /gemv: x .* length 3/,
    );
  });

  test('potrf: L·Lᵀ = A, strict upper triangle zeroed, equals the unblocked Cholesky', () => {
    for (const [n, seed] of [
      [1, 1],
      [5, 2],
      [37, 3],
      [200, 4],
    ] as const) {
      const G = randomMatrix(n, n, seed);
      const A = new Matrix(n, n);
      const { out } = naiveGemm(false, true, 1, G, G, 0, A);
      for (let i = 0; i < n; i++) out.set(i, i, out.get(i, i) + n);
      // Unblocked Cholesky–Crout (Golub & Van Loan, Alg. 4.2.2) as the reference.
      const ref = new Matrix(n, n);
      for (let j = 0; j < n; j++) {
        let d = out.get(j, j);
        for (let k = 0; k < j; k++) d -= ref.get(j, k) ** 2;
        ref.set(j, j, Math.sqrt(d));
        for (let i = j + 1; i < n; i++) {
          let s = out.get(i, j);
          for (let k = 0; k < j; k++) s -= ref.get(i, k) * ref.get(j, k);
          ref.set(i, j, s / ref.get(j, j));
        }
      }
      const L = out.clone();
      assert.equal(B().potrf(L), 0);
      assertWithin(L.data, ref.data, 1e-12 * Math.sqrt(2 * n), `potrf n=${n}`);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) assert.equal(L.get(i, j), 0);
    }
  });

  test('potrf returns the 1-based index of the first non-positive pivot', () => {
    // A = M·D·Mᵀ with M unit lower triangular: the leading k×k minor has determinant d₁⋯d_k, so the
    // first non-positive pivot is exactly where D first turns negative.
    const n = 8;
    for (const bad of [1, 3, 8]) {
      const M = randomMatrix(n, n, bad);
      for (let i = 0; i < n; i++) for (let j = i; j < n; j++) M.set(i, j, i === j ? 1 : 0);
      const D = Array.from({ length: n }, (_, i) => (i + 1 === bad ? -1 : 1 + i));
      const A = new Matrix(n, n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += M.get(i, k) * D[k] * M.get(j, k);
          A.set(i, j, s);
        }
      }
      assert.equal(B().potrf(A), bad, `negative pivot at ${bad}`);
    }
    assert.equal(
      B().potrf(
        Matrix.fromRows([
          [1, 2],
          [2, 1],
        ]),
      ),
      2,
    );
    assert.equal(B().potrf(new Matrix(0, 0)), 0);
    assert.throws(
      () =>
        B().potrf(
          Matrix.fromRows([
            [1, 0],
            [NaN, 1],
          ]),
        ),
      /potrf: A contains NaN/,
    );
    assert.throws(() => B().potrf(new Matrix(2, 3)), /potrf: A must be square, got 2×3/);
  });

  test('trsm solves L·X = B and Lᵀ·X = B (B a row-block view)', () => {
    for (const trans of [false, true]) {
      const n = 60;
      const L = randomMatrix(n, n, 31);
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) L.set(i, j, 0);
        L.set(i, i, 4 + Math.abs(L.get(i, i)));
      }
      const X = randomMatrix(n, 7, 32);
      const big = new Matrix(n + 10, 7);
      const Bv = big.rowBlock(4, 4 + n);
      const { out } = naiveGemm(trans, false, 1, L, X, 0, Bv);
      Bv.data.set(out.data);
      B().trsm(L, Bv, trans);
      assertWithin(Bv.data, X.data, 1e-13, `trsm trans=${trans}`);
      assert.ok(
        big.data.subarray(0, 4 * 7).every((x) => x === 0) &&
          big.data.subarray((4 + n) * 7).every((x) => x === 0),
      );
    }
    assert.throws(
      () => B().trsm(new Matrix(3, 3), new Matrix(2, 1), false),
      /trsm: B .* must be 3×any, got 2×1/,
    );
  });

  test('syev eigenvalues equal cyclic Jacobi on random symmetric matrices; A is not modified', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 24 }), fc.integer(), (n, seed) => {
        const S = randomMatrix(n, n, seed);
        const copy = S.clone();
        const ref = jacobiEigenvalues(S);
        const scaleA = frobenius(S.data);
        for (const vectors of [false, true]) {
          const { values, vectors: V } = B().syev(S, vectors);
          assertWithin(values, ref, 1e-13 * n * scaleA, `syev values n=${n}`);
          assert.equal(V === null, !vectors);
        }
        assert.deepEqual(S.data, copy.data);
      }),
      { numRuns: 60 },
    );
  });

  test('syev reads only the lower triangle', () => {
    const S = randomMatrix(12, 12, 41);
    const sym = S.clone();
    for (let i = 0; i < 12; i++) for (let j = i + 1; j < 12; j++) sym.set(i, j, sym.get(j, i));
    const a = B().syev(S, true);
    const b = B().syev(sym, true);
    assert.deepEqual(a.values, b.values);
    assert.deepEqual(a.vectors?.data, b.vectors?.data);
  });

  test('syev on a known spectrum: values exact to 1e-13, ‖AV − VΛ‖/‖A‖ and ‖VᵀV − I‖ ≤ 1e-12·n, vectors = ±Q', () => {
    const lambda = [-3, -1, 0.5, 2, 2.75, 4, 7, 10, 11.5, 20];
    const { S, Q } = knownSpectrum(lambda, 51);
    const { values, vectors } = B().syev(S, true);
    assertWithin(values, lambda, 1e-13 * 20, 'known spectrum');
    const V = vectors as Matrix;
    const { residual, orthogonality } = eigenResiduals(S, values, V);
    assert.ok(residual <= 1e-12 * 10, `residual ${residual}`);
    assert.ok(orthogonality <= 1e-12 * 10, `orthogonality ${orthogonality}`);
    for (let j = 0; j < 10; j++) {
      let dot = 0;
      for (let i = 0; i < 10; i++) dot += V.get(i, j) * Q.get(i, j);
      assert.ok(Math.abs(Math.abs(dot) - 1) <= 1e-12, `column ${j}: |vᵀq| = ${Math.abs(dot)}`);
    }
  });

  test('syev at n = 300 (divide and conquer path) on a row-block view: residuals ≤ 1e-12·n', () => {
    const n = 300;
    const G = randomMatrix(n + 20, n, 61);
    const S = G.rowBlock(20, n + 20);
    const { values, vectors } = B().syev(S, true);
    const { residual, orthogonality } = eigenResiduals(S, values, vectors as Matrix);
    assert.ok(residual <= 1e-12 * n, `residual ${residual}`);
    assert.ok(orthogonality <= 1e-12 * n, `orthogonality ${orthogonality}`);
    for (let i = 1; i < n; i++) assert.ok(values[i - 1] <= values[i], 'ascending');
    const only = B().syev(S, false).values;
    assertWithin(only, values, 1e-12 * frobenius(S.data), 'values-only path');
  });

  test('syev edge cases and errors', () => {
    const e = B().syev(new Matrix(0, 0), true);
    assert.equal(e.values.length, 0);
    assert.equal(e.vectors?.rows, 0);
    const one = B().syev(Matrix.fromRows([[-2.5]]), true);
    assert.deepEqual(Array.from(one.values), [-2.5]);
    assert.deepEqual(Array.from(one.vectors?.data ?? []), [1]);
    assert.throws(
      () =>
        B().syev(
          Matrix.fromRows([
            [1, 0],
            [NaN, 1],
          ]),
          false,
        ),
      /syev: A contains NaN/,
    );
    assert.throws(() => B().syev(new Matrix(2, 3), false), /syev: A must be square/);
  });
});
