import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Matrix } from './matrix.js';
import { getBackend } from './select.js';
import { lanczos, type LanczosResult } from './lanczos.js';
import { PRNGKey, split } from '../random/keys.js';
import { normal } from '../random/normal.js';
import type { Key } from '../random/key.js';

// Test matrices with a spectrum fixed by construction, A = U·diag(λ)·Uᵀ with a random orthogonal U,
// so the reference eigenpairs are known exactly (not computed by any eigensolver).

/** A random n × n orthogonal matrix: modified Gram–Schmidt (twice) on the columns of a Gaussian matrix. */
function randomOrthogonal(n: number, key: Key): Matrix {
  const G = new Matrix(n, n, normal(key, n * n)).transpose(); // rows = future columns of U
  for (let c = 0; c < n; c++) {
    const w = G.row(c);
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < c; i++) {
        const q = G.row(i);
        let d = 0;
        for (let t = 0; t < n; t++) d += q[t] * w[t];
        for (let t = 0; t < n; t++) w[t] -= d * q[t];
      }
    }
    let s = 0;
    for (let t = 0; t < n; t++) s += w[t] * w[t];
    s = Math.sqrt(s);
    for (let t = 0; t < n; t++) w[t] /= s;
  }
  return G.transpose(); // column j of U = row j of G
}

/** U·diag(λ)·Uᵀ, exactly symmetric. */
function withSpectrum(U: Matrix, lambda: Float64Array): Matrix {
  const n = U.rows;
  const A = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += U.data[i * n + t] * lambda[t] * U.data[j * n + t];
      A.data[i * n + j] = s;
      A.data[j * n + i] = s;
    }
  }
  return A;
}

/** max_j min(‖v_j − u_j‖, ‖v_j + u_j‖): eigenvector error up to sign. */
function vectorError(V: Matrix, U: Matrix, cols: number[]): number {
  let worst = 0;
  for (let j = 0; j < cols.length; j++) {
    let dp = 0;
    let dm = 0;
    for (let i = 0; i < V.rows; i++) {
      const v = V.get(i, j);
      const u = U.get(i, cols[j]);
      dp += (v - u) ** 2;
      dm += (v + u) ** 2;
    }
    worst = Math.max(worst, Math.sqrt(Math.min(dp, dm)));
  }
  return worst;
}

/** ‖A·v_j − λ_j·v_j‖ by plain loops (independent of the code under test). */
function trueResiduals(A: Matrix, r: LanczosResult): number[] {
  const n = A.rows;
  return Array.from(r.values, (lam, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let t = 0; t < n; t++) av += A.data[i * n + t] * r.vectors.get(t, j);
      s += (av - lam * r.vectors.get(i, j)) ** 2;
    }
    return Math.sqrt(s);
  });
}

/** ‖VᵀV − I‖_max. */
function orthonormalityError(V: Matrix): number {
  let worst = 0;
  for (let a = 0; a < V.cols; a++) {
    for (let c = 0; c < V.cols; c++) {
      let s = 0;
      for (let i = 0; i < V.rows; i++) s += V.get(i, a) * V.get(i, c);
      worst = Math.max(worst, Math.abs(s - (a === c ? 1 : 0)));
    }
  }
  return worst;
}

const N = 240;
const U = randomOrthogonal(N, PRNGKey(1));
// Geometric spectrum 10·0.85^i (relative gaps 15 %), then shifted by −1 so that it has both signs.
const LAMBDA = Float64Array.from({ length: N }, (_, i) => 10 * 0.85 ** i - 1);
const A = withSpectrum(U, LAMBDA);
const desc = Array.from({ length: N }, (_, i) => i); // LAMBDA is descending

function relErr(got: Float64Array, want: number[]): number {
  return Math.max(...Array.from(got, (g, j) => Math.abs(g - want[j]) / Math.max(1, Math.abs(want[j]))));
}

test('explicit matrix, largest k = 8: eigenpairs equal the constructed ones to 1e-10', () => {
  const k = 8;
  const r = lanczos(A, { k, tol: 1e-12 });
  assert.ok(r.converged);
  assert.ok(
    relErr(
      r.values,
      desc.slice(0, k).map((i) => LAMBDA[i]),
    ) < 1e-12,
    `values ${r.values}`,
  );
  assert.ok(
    vectorError(r.vectors, U, desc.slice(0, k)) < 1e-10,
    `vectors ${vectorError(r.vectors, U, desc.slice(0, k))}`,
  );
  const res = trueResiduals(A, r);
  for (let j = 0; j < k; j++)
    assert.ok(Math.abs(res[j] - r.residuals[j]) < 1e-13, 'reported residuals are the true ones');
  assert.ok(orthonormalityError(r.vectors) < 1e-13);
  assert.equal(r.vectors.rows, N);
  assert.equal(r.vectors.cols, k);
});

test('explicit matrix, smallest k = 6: eigenpairs equal the constructed ones to 1e-10', () => {
  // Smallest end: −1 + 10·0.85^i accumulates at −1, so use a spectrum with gaps there: λ_i = i·0.5 − 3 (i < 12) and larger after.
  const lam = Float64Array.from({ length: N }, (_, i) => (i < 12 ? 0.5 * i - 3 : 4 + 0.05 * i));
  const B = withSpectrum(U, lam);
  const k = 6;
  const r = lanczos(B, { k, which: 'smallest', tol: 1e-12 });
  assert.ok(r.converged);
  assert.ok(
    relErr(
      r.values,
      [0, 1, 2, 3, 4, 5].map((i) => lam[i]),
    ) < 1e-12,
    `values ${r.values}`,
  );
  assert.ok(vectorError(r.vectors, U, [0, 1, 2, 3, 4, 5]) < 1e-10);
  for (let j = 1; j < k; j++) assert.ok(r.values[j] > r.values[j - 1], 'ascending for smallest');
});

test('implicit operators (block apply, vector matvec, plain function) give the same eigenpairs', () => {
  const k = 5;
  const be = getBackend();
  const blockOp = { n: N, apply: (V: Matrix, out: Matrix) => be.gemm(false, false, 1, A, V, 0, out) };
  const vecOp = {
    n: N,
    matvec: (v: Float64Array, out: Float64Array) => {
      for (let i = 0; i < N; i++) {
        let s = 0;
        for (let t = 0; t < N; t++) s += A.data[i * N + t] * v[t];
        out[i] = s;
      }
    },
  };
  const want = desc.slice(0, k).map((i) => LAMBDA[i]);
  for (const [name, r] of [
    ['block', lanczos(blockOp, { k, tol: 1e-12, blockSize: 3 })],
    ['vector', lanczos(vecOp, { k, tol: 1e-12, blockSize: 1 })],
    ['function', lanczos(vecOp.matvec, { n: N, k, tol: 1e-12 })],
  ] as const) {
    assert.ok(r.converged, name);
    assert.ok(relErr(r.values, want) < 1e-12, `${name}: ${r.values}`);
    assert.ok(vectorError(r.vectors, U, desc.slice(0, k)) < 1e-10, name);
    assert.ok(r.matvecs > 0 && r.iterations > 0, name);
  }
});

test('kernel matrix (RBF, PSD, fast-decaying spectrum): top-12 equal the full syev to 1e-10', () => {
  const n = 300;
  const X = normal(PRNGKey(3), n * 3);
  const K = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let d = 0;
      for (let t = 0; t < 3; t++) d += (X[3 * i + t] - X[3 * j + t]) ** 2;
      K.data[i * n + j] = Math.exp(-d / 4);
    }
  }
  const k = 12;
  const { values, vectors } = getBackend().syev(K, true);
  const r = lanczos(K, { k, tol: 1e-13 });
  assert.ok(r.converged);
  const want = Array.from({ length: k }, (_, j) => values[n - 1 - j]);
  assert.ok(relErr(r.values, want) < 1e-10, `${r.values} vs ${want}`);
  assert.ok(
    vectorError(
      r.vectors,
      vectors!,
      want.map((_, j) => n - 1 - j),
    ) < 1e-9,
  );
});

test('selective re-orthogonalization and other keys/block sizes converge to the same pairs', () => {
  const k = 6;
  const want = desc.slice(0, k).map((i) => LAMBDA[i]);
  const [k1, k2] = split(PRNGKey(9));
  for (const opts of [
    { reorthogonalization: 'selective' as const },
    { key: k1, blockSize: 2 },
    { key: k2, blockSize: 6, maxBasis: 30 },
    { blockSize: 1, maxBasis: 20 },
  ]) {
    const r = lanczos(A, { k, tol: 1e-12, ...opts });
    assert.ok(r.converged, JSON.stringify(opts));
    assert.ok(relErr(r.values, want) < 1e-12, JSON.stringify(opts));
    assert.ok(vectorError(r.vectors, U, desc.slice(0, k)) < 1e-10, JSON.stringify(opts));
  }
});

test('property: random spectra, sizes, ends and block sizes — Ritz values equal the constructed eigenvalues', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 60, max: 140 }),
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 1, max: 5 }),
      fc.boolean(),
      fc.integer({ min: 0, max: 1_000_000 }),
      (n, k, blockSize, largest, seed) => {
        const [ku, kl, ks] = split(PRNGKey(seed), 3);
        const lam = normal(kl, n);
        const B = withSpectrum(randomOrthogonal(n, ku), lam);
        const sorted = Array.from(lam).sort((x, y) => (largest ? y - x : x - y));
        const norm = Math.max(...Array.from(lam, Math.abs));
        const r = lanczos(B, {
          k,
          blockSize,
          which: largest ? 'largest' : 'smallest',
          tol: 1e-12,
          key: ks,
          maxBasis: k + 2 * blockSize + 10,
        });
        assert.ok(r.converged);
        for (let j = 0; j < k; j++) {
          assert.ok(
            Math.abs(r.values[j] - sorted[j]) <= 1e-10 * norm,
            `n=${n} k=${k} b=${blockSize} j=${j}: ${r.values[j]} vs ${sorted[j]}`,
          );
        }
        const res = trueResiduals(B, r);
        for (let j = 0; j < k; j++) assert.ok(res[j] <= 1e-11 * norm);
      },
    ),
    { numRuns: 12, seed: 7 },
  );
});

test('1-D Laplacian (implicit, clustered spectrum): both ends match 2 − 2cos(πj/(n+1)), full and selective', () => {
  const n = 300;
  const lap = (v: Float64Array, out: Float64Array): void => {
    for (let i = 0; i < n; i++) out[i] = 2 * v[i] - (i > 0 ? v[i - 1] : 0) - (i < n - 1 ? v[i + 1] : 0);
  };
  const exact = (j: number): number => 2 - 2 * Math.cos((Math.PI * j) / (n + 1)); // j = 1 … n
  for (const reorthogonalization of ['full', 'selective'] as const) {
    const top = lanczos(lap, { n, k: 3, reorthogonalization, maxBasis: 80 });
    const bottom = lanczos(lap, { n, k: 3, which: 'smallest', reorthogonalization, maxBasis: 80 });
    assert.ok(top.converged && bottom.converged, reorthogonalization);
    for (let j = 0; j < 3; j++) {
      assert.ok(
        Math.abs(top.values[j] - exact(n - j)) < 1e-9,
        `${reorthogonalization} top ${j}: ${top.values[j]}`,
      );
      assert.ok(Math.abs(bottom.values[j] - exact(j + 1)) < 1e-9, `${reorthogonalization} bottom ${j}`);
    }
    assert.ok(orthonormalityError(top.vectors) < 1e-12);
    assert.ok(orthonormalityError(bottom.vectors) < 1e-12);
  }
});

test('same key → bit-identical result', () => {
  const a = lanczos(A, { k: 4, key: PRNGKey(5) });
  const b = lanczos(A, { k: 4, key: PRNGKey(5) });
  assert.deepEqual(a.values, b.values);
  assert.deepEqual(a.vectors.data, b.vectors.data);
});

test('repeated eigenvalues: a triple top eigenvalue and its eigenspace', () => {
  const lam = LAMBDA.slice();
  lam[1] = lam[0];
  lam[2] = lam[0];
  const B = withSpectrum(U, lam);
  const r = lanczos(B, { k: 4, tol: 1e-12, blockSize: 4 });
  assert.ok(r.converged);
  assert.ok(relErr(r.values, [lam[0], lam[0], lam[0], lam[3]]) < 1e-12, `${r.values}`);
  // The three vectors span span(u0, u1, u2): their projections on it have norm 1.
  for (let j = 0; j < 3; j++) {
    let s = 0;
    for (let c = 0; c < 3; c++) {
      let d = 0;
      for (let i = 0; i < N; i++) d += r.vectors.get(i, j) * U.get(i, c);
      s += d * d;
    }
    assert.ok(Math.abs(s - 1) < 1e-10);
  }
  assert.ok(orthonormalityError(r.vectors) < 1e-12);
});

test('low-rank operator (Krylov breakdown): rank 3, k = 5 largest gives 3 pairs and 2 null vectors', () => {
  const lam = new Float64Array(N);
  lam[0] = 3;
  lam[1] = 2;
  lam[2] = 1;
  const B = withSpectrum(U, lam);
  const r = lanczos(B, { k: 5, blockSize: 2 });
  assert.ok(r.converged);
  assert.ok(relErr(r.values, [3, 2, 1, 0, 0]) < 1e-12, `${r.values}`);
  for (const res of trueResiduals(B, r)) assert.ok(res < 1e-10 * 3);
  assert.ok(orthonormalityError(r.vectors) < 1e-12);
});

test('degenerate operators: zero and identity (the Krylov space is invariant at once)', () => {
  const zero = lanczos((_v, out) => out.fill(0), { n: 100, k: 3 });
  assert.ok(zero.converged);
  assert.deepEqual(Array.from(zero.values), [0, 0, 0]);
  assert.ok(orthonormalityError(zero.vectors) < 1e-13);
  const id = lanczos((v, out) => out.set(v), { n: 100, k: 4, which: 'smallest' });
  assert.ok(id.converged);
  for (const v of id.values) assert.ok(Math.abs(v - 1) < 1e-14);
  assert.ok(orthonormalityError(id.vectors) < 1e-13);
});

test('small n uses the dense decomposition; values still sorted by which', () => {
  const lam = Float64Array.from([5, -1, 3, 0.5, 2, -4]);
  const Us = randomOrthogonal(6, PRNGKey(2));
  const B = withSpectrum(Us, lam);
  const big = lanczos(B, { k: 3 });
  assert.ok(relErr(big.values, [5, 3, 2]) < 1e-13);
  const small = lanczos(
    { n: 6, apply: (V: Matrix, out: Matrix) => getBackend().gemm(false, false, 1, B, V, 0, out) },
    { k: 2, which: 'smallest' },
  );
  assert.ok(relErr(small.values, [-4, -1]) < 1e-13);
  assert.ok(vectorError(small.vectors, Us, [5, 1]) < 1e-12);
  assert.ok(small.converged);
});

test('onProgress reports restarts; limits stop early with converged = false', () => {
  const seen: number[] = [];
  const r = lanczos(A, {
    k: 8,
    blockSize: 1,
    maxBasis: 12,
    tol: 1e-14,
    onProgress: (p) => seen.push(p.restarts),
  });
  assert.ok(seen.length >= 2);
  const stopped = lanczos(A, { k: 8, blockSize: 1, maxBasis: 12, maxRestarts: 1, tol: 1e-14 });
  assert.equal(stopped.restarts, 1);
  assert.equal(stopped.converged, false);
  assert.ok(r.restarts >= stopped.restarts);
});

test('bad input: names the argument and what was expected', () => {
  const ns = Matrix.fromRows([
    [1, 2],
    [3, 4],
  ]);
  assert.throws(
    () => lanczos(ns, { k: 1 }),
    /lanczos: op \(explicit matrix\) must be symmetric; \|A\[1\]\[0\] − A\[0\]\[1\]\| = 1/,
  );
  assert.throws(() => lanczos(new Matrix(2, 3), { k: 1 }), /must be square, got 2×3/);
  const nan = Matrix.identity(3);
  nan.set(1, 1, NaN);
  assert.throws(() => lanczos(nan, { k: 1 }), /contains NaN/);
  assert.throws(() => lanczos(A, { k: 0 }), /k must be an integer in \[1, n = 240\], got 0/);
  assert.throws(
    () => lanczos(A, { k: 3, which: 'biggest' as 'largest' }),
    /which must be 'largest' or 'smallest'/,
  );
  assert.throws(() => lanczos(A, { k: 3, tol: 0 }), /tol must be in \(0, 1\)/);
  assert.throws(() => lanczos(A, { k: 3, maxBasis: 5 }), /maxBasis must be ≥ k \+ 2·blockSize/);
  assert.throws(() => lanczos((v, out) => out.set(v), { k: 1 }), /needs opts\.n/);
  assert.throws(() => lanczos((_v, out) => out.fill(NaN), { n: 100, k: 1 }), /operator output contains NaN/);
  assert.throws(() => lanczos({ n: 5 } as unknown as Matrix, { k: 1 }), /op must be a symmetric Matrix/);
  assert.throws(
    () => lanczos(A, { k: 2, key: [1, 2] as unknown as Key }),
    /lanczos \(opts\.key\): key must be a Key/,
  );
  assert.throws(() => lanczos(A, { k: 2, blockSize: 0 }), /blockSize must be a positive integer, got 0/);
  assert.throws(
    () => lanczos(A, { k: 2, reorthogonalization: 'partial' as 'full' }),
    /reorthogonalization must be 'full' or 'selective'/,
  );
});
