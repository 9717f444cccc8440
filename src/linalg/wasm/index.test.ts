/**
 * The wasm backend against independent references, for both SIMD flavours (plain f64x2 and relaxed-SIMD
 * FMA, where the engine validates it) and for one and two threads: GEMM as a fast-check property against
 * the naive triple loop (every transpose, α, β, views), across every blocking boundary and the thread
 * split; SYRK, GEMV; Cholesky and the triangular solves by their defining identities; the eigensolver
 * by ‖AV − VΛ‖_F/‖A‖_F ≤ 1e-12·n and ‖VᵀV − I‖_F ≤ 1e-12·n on a known spectrum, and its values against the
 * ts backend to 1e-12 relative. GEMM tolerance: the rounding bound of a length-k dot product,
 * |fl(x·y) − x·y| ≤ γ_k·|x|·|y| (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed.,
 * eq. 3.5), for |entries| ≤ 1, with slack 4.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Matrix } from '../matrix.js';
import { tsBackend } from '../ts/index.js';
import {
  eigenResiduals,
  maxAbsDiff,
  naiveProduct,
  randomMatrix,
  randomSymmetric,
  symmetricWithSpectrum,
} from '../ts/testMatrices.testutil.js';
import { tridiagonalize } from '../ts/tridiagonalize.js';
import { createWasmBackend, type WasmBackend } from './index.js';
import { relaxedSimdAvailable } from './kernels.js';
import { createRuntime } from './runtime.js';
import { wasmTridiagonalize } from './tridiagonalize.js';

const EPS = 2 ** -52;
const tol = (k: number): number => 4 * (k + 2) * EPS * k;

const configs: Array<{ simd: 'plain' | 'relaxed'; threads: number }> = [
  { simd: 'plain', threads: 1 },
  { simd: 'plain', threads: 2 },
];
if (relaxedSimdAvailable()) configs.push({ simd: 'relaxed', threads: 1 }, { simd: 'relaxed', threads: 2 });
else console.log('# relaxed SIMD does not validate on this engine: testing the plain kernels only');

const TRANS: Array<[boolean, boolean]> = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

for (const cfg of configs) {
  const label = `${cfg.simd} SIMD, ${cfg.threads} thread${cfg.threads > 1 ? 's' : ''}`;
  describe(`wasm backend (${label})`, () => {
    const w: WasmBackend = createWasmBackend(cfg);

    test('runs the flavour and the threads asked for', () => {
      assert.equal(w.name, 'wasm');
      assert.equal(w.info.simd, cfg.simd);
      assert.equal(w.info.threads, cfg.threads, w.info.threadNote);
    });

    test('gemm: α·op(A)·op(B) + β·C equals the naive product (random shapes, transposes, row-block views)', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 70 }),
          fc.integer({ min: 0, max: 70 }),
          fc.integer({ min: 0, max: 70 }),
          fc.boolean(),
          fc.boolean(),
          fc.constantFrom(1, -2),
          fc.constantFrom(0, 0.5),
          fc.integer({ min: 1, max: 1e6 }),
          (m, n, k, tA, tB, alpha, beta, seed) => {
            const A = (tA ? randomMatrix(k + 2, m, seed) : randomMatrix(m + 2, k, seed)).rowBlock(
              2,
              2 + (tA ? k : m),
            );
            const B = tB ? randomMatrix(n, k, seed + 1) : randomMatrix(k, n, seed + 1);
            const C0 = randomMatrix(m, n, seed + 2);
            const C = C0.clone();
            w.gemm(tA, tB, alpha, A, B, beta, C);
            const P = naiveProduct(A, B, tA, tB);
            const want = P.data.map((p, i) => alpha * p + beta * C0.data[i]);
            return maxAbsDiff(C.data, want) <= Math.abs(alpha) * tol(k) + 4 * EPS;
          },
        ),
        { numRuns: 150 },
      );
    });

    test('gemm crosses every blocking boundary (KC = 256, MC = 96, NC = 1024, 4×4 tiles) and the thread split', () => {
      for (const [m, n, k] of [
        [101, 131, 300],
        [7, 1100, 40],
        [193, 5, 513],
        [250, 260, 130],
      ]) {
        for (const [tA, tB] of TRANS) {
          const A = tA ? randomMatrix(k, m, m) : randomMatrix(m, k, m);
          const B = tB ? randomMatrix(n, k, n) : randomMatrix(k, n, n);
          const C = new Matrix(m, n);
          C.data.fill(Number.NaN); // β = 0 overwrites, as in the reference BLAS
          w.gemm(tA, tB, 1, A, B, 0, C);
          const d = maxAbsDiff(C.data, naiveProduct(A, B, tA, tB).data);
          assert.ok(d <= tol(k), `m=${m} n=${n} k=${k} tA=${tA} tB=${tB}: max error ${d}`);
        }
      }
    });

    test('gemm equals the ts backend to 1e-12 relative (n = 200)', () => {
      const A = randomMatrix(200, 200, 5);
      const B = randomMatrix(200, 200, 6);
      const Cw = new Matrix(200, 200);
      const Ct = new Matrix(200, 200);
      w.gemm(false, true, 1, A, B, 0, Cw);
      tsBackend.gemm(false, true, 1, A, B, 0, Ct);
      let scale = 0;
      for (const v of Ct.data) scale = Math.max(scale, Math.abs(v));
      assert.ok(maxAbsDiff(Cw.data, Ct.data) <= 1e-12 * scale);
    });

    test('syrk equals α·op(A)·op(A)ᵀ + β·C in both triangles', () => {
      for (const [n, k] of [
        [5, 3],
        [130, 70],
        [200, 150],
      ]) {
        for (const trans of [false, true]) {
          const A = trans ? randomMatrix(k, n, n + k) : randomMatrix(n, k, n + k);
          const C0 = randomSymmetric(n, n);
          const C = C0.clone();
          w.syrk(trans, -1.5, A, 0.5, C);
          const P = trans ? naiveProduct(A, A, true, false) : naiveProduct(A, A, false, true);
          const want = P.data.map((p, i) => -1.5 * p + 0.5 * C0.data[i]);
          assert.ok(maxAbsDiff(C.data, want) <= 1.5 * tol(k) + 4 * EPS, `n=${n} k=${k} trans=${trans}`);
        }
      }
    });

    test('gemv equals α·op(A)·x + β·y', () => {
      for (const [m, n] of [
        [3, 4],
        [100, 90],
        [67, 131],
      ]) {
        for (const trans of [false, true]) {
          const A = randomMatrix(m, n, m * n);
          const x = randomMatrix(1, trans ? m : n, 1).data;
          const y0 = randomMatrix(1, trans ? n : m, 2).data;
          const y = y0.slice();
          w.gemv(trans, 2, A, x, -0.5, y);
          const P = naiveProduct(A, new Matrix(x.length, 1, x), trans, false);
          const want = P.data.map((p, i) => 2 * p - 0.5 * y0[i]);
          assert.ok(maxAbsDiff(y, want) <= 2 * tol(x.length) + 4 * EPS, `m=${m} n=${n} trans=${trans}`);
        }
      }
    });

    test('potrf: L·Lᵀ = A with L lower, the first bad pivot reported 1-based', () => {
      const n = 150;
      const G = randomMatrix(n, n, 9);
      const A = naiveProduct(G, G, false, true);
      for (let i = 0; i < n; i++) A.data[i * n + i] += n;
      const L = A.clone();
      assert.equal(w.potrf(L), 0);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) assert.equal(L.get(i, j), 0);
      const LLt = naiveProduct(L, L, false, true);
      assert.ok(maxAbsDiff(LLt.data, A.data) <= 1e-13 * n * n);
      const bad = A.clone();
      bad.data[100 * n + 100] = -1e6;
      assert.equal(w.potrf(bad), 101);
    });

    test('trsm solves L·X = B and Lᵀ·X = B', () => {
      const n = 140;
      const L = randomMatrix(n, n, 11);
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) L.data[i * n + j] = 0;
        L.data[i * n + i] = 4 + Math.abs(L.data[i * n + i]);
      }
      for (const trans of [false, true]) {
        const B0 = randomMatrix(n, 33, 12);
        const X = B0.clone();
        w.trsm(L, X, trans);
        const LX = naiveProduct(L, X, trans, false);
        assert.ok(maxAbsDiff(LX.data, B0.data) <= 1e-12, `trans=${trans}`);
      }
    });

    test('syev on a known spectrum (n = 300): values to 1e-12 relative, residuals ≤ 1e-12·n, values = ts backend', () => {
      const n = 300;
      const lambda = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? -1 : 1) * 2 ** (-i / 40));
      const A = symmetricWithSpectrum(lambda, 3);
      const { values, vectors } = w.syev(A, true);
      assert.ok(vectors !== null);
      const sorted = lambda.slice().sort((a, b) => a - b);
      assert.ok(maxAbsDiff(values, sorted) <= 1e-12, 'values vs the spectrum built in');
      const { residual, orthogonality } = eigenResiduals(A, values, vectors);
      assert.ok(residual <= 1e-12 * n, `residual ${residual}`);
      assert.ok(orthogonality <= 1e-12 * n, `orthogonality ${orthogonality}`);
      const ts = tsBackend.syev(A, false).values;
      assert.ok(maxAbsDiff(w.syev(A, false).values, ts) <= 1e-12);
    });

    test('syev of a random symmetric matrix equals the ts backend to 1e-12 relative; A is not modified', () => {
      const A = randomSymmetric(260, 4);
      const A0 = A.clone();
      const { values, vectors } = w.syev(A, true);
      assert.deepEqual(A.data, A0.data);
      const ts = tsBackend.syev(A, true);
      let scale = 0;
      for (const v of ts.values) scale = Math.max(scale, Math.abs(v));
      assert.ok(maxAbsDiff(values, ts.values) <= 1e-12 * scale);
      const { residual, orthogonality } = eigenResiduals(A, values, vectors!);
      assert.ok(residual <= 1e-12 * 260 && orthogonality <= 1e-12 * 260);
    });
  });
}

describe('wasm tridiagonalization', () => {
  test('equals the TypeScript reduction (d, e, τ and the stored reflectors) to 1e-12, n = 0, 1, 2, 5, 70, 130', () => {
    const reduce = wasmTridiagonalize(createRuntime({ simd: 'plain' }));
    for (const n of [0, 1, 2, 5, 70, 130]) {
      const A = randomSymmetric(n, n + 17);
      const aw = A.data.slice();
      const at = A.data.slice();
      const w = reduce(n, aw, true);
      const t = tridiagonalize(n, at, true);
      assert.equal(w.d.length, n);
      assert.equal(w.e.length, Math.max(n - 1, 0));
      assert.ok(maxAbsDiff(w.d, t.d) <= 1e-12 * n, `n=${n}: d`);
      assert.ok(maxAbsDiff(w.e, t.e) <= 1e-12 * n, `n=${n}: e`);
      assert.ok(maxAbsDiff(w.tau, t.tau) <= 1e-12 * n, `n=${n}: τ`);
      for (let k = 0; k + 1 < n; k++) {
        const row = (x: Float64Array) => x.subarray(k * n + k + 1, (k + 1) * n);
        assert.ok(maxAbsDiff(row(aw), row(at)) <= 1e-12 * n, `n=${n}: reflector ${k}`);
      }
    }
  });

  test('syev of n = 0, 1, 2 and of a diagonal matrix (no reflectors to apply)', () => {
    const w = createWasmBackend();
    assert.equal(w.syev(new Matrix(0, 0), true).values.length, 0);
    assert.deepEqual(Array.from(w.syev(Matrix.fromRows([[3]]), true).values), [3]);
    const two = w.syev(
      Matrix.fromRows([
        [2, 1],
        [1, 2],
      ]),
      false,
    ).values;
    assert.ok(Math.abs(two[0] - 1) <= 4 * EPS && Math.abs(two[1] - 3) <= 4 * EPS);
    const D = new Matrix(40, 40);
    for (let i = 0; i < 40; i++) D.data[i * 40 + i] = 40 - i;
    assert.deepEqual(
      Array.from(w.syev(D, false).values),
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
  });
});
