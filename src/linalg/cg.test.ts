import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from './matrix.js';
import { relativeFrobeniusError } from './elementwise.js';
import { cg } from './cg.js';
import { solveSpd } from './cholesky.js';
import { matmul } from './blas.js';
import { PRNGKey } from '../random/keys.js';
import { normal } from '../random/normal.js';
import { NtkNumericalError } from '../errors.js';

/** A = G·Gᵀ/m + c·I: symmetric positive definite with condition number about (1 + √(n/m))² / c-ish. */
function spd(n: number, seed: number, c: number): Matrix {
  const G = new Matrix(n, n, normal(PRNGKey(seed), n * n));
  const A = matmul(G, G, { transB: true, alpha: 1 / n });
  for (let i = 0; i < n; i++) A.data[i * n + i] += c;
  return A;
}

test('cg: several right-hand sides equal the Cholesky solve to 1e-10 relative', () => {
  const n = 120;
  const A = spd(n, 1, 0.05);
  const B = new Matrix(n, 3, normal(PRNGKey(2), n * 3));
  const r = cg(A, B, { tol: 1e-13 });
  assert.ok(r.converged);
  assert.ok(r.iterations > 5 && r.iterations <= 10 * n, `iterations ${r.iterations}`);
  const ref = solveSpd(A, B);
  assert.ok(relativeFrobeniusError(r.x, ref) < 1e-10, `rel err ${relativeFrobeniusError(r.x, ref)}`);
  for (const res of r.residuals) assert.ok(res < 1e-12, `residual ${res}`);
});

test('cg: an implicit operator and a diagonal shift solve (A + σI)x = b', () => {
  const n = 80;
  const A = spd(n, 3, 0);
  const op = { n, apply: (V: Matrix, out: Matrix): void => void matmul(A, V, { out }) };
  const b = new Matrix(n, 1, normal(PRNGKey(4), n));
  const shift = 0.3;
  const r = cg(op, b, { shift, tol: 1e-13 });
  const As = A.clone();
  for (let i = 0; i < n; i++) As.data[i * n + i] += shift;
  assert.ok(relativeFrobeniusError(r.x, solveSpd(As, b)) < 1e-11);
  assert.ok(r.converged && r.residuals[0] < 1e-12);
});

test('cg: zero right-hand side columns stay zero; an indefinite matrix is refused', () => {
  const n = 10;
  const A = spd(n, 5, 0.5);
  const B = new Matrix(n, 2);
  for (let i = 0; i < n; i++) B.data[i * 2] = 1;
  const r = cg(A, B);
  for (let i = 0; i < n; i++) assert.equal(r.x.data[i * 2 + 1], 0);
  assert.equal(r.residuals[1], 0);
  const M = Matrix.identity(n);
  M.data[0] = -1;
  assert.throws(() => cg(M, B), NtkNumericalError);
  assert.throws(() => cg(A, new Matrix(n + 1, 1)), /n = 10 rows/);
  assert.throws(() => cg(A, B, { tol: 0 }), /tol must be in \(0, 1\)/);
});

test('cg: maxIterations stops early and says not converged', () => {
  const n = 60;
  const A = spd(n, 6, 1e-3);
  const r = cg(A, new Matrix(n, 1, normal(PRNGKey(7), n)), { maxIterations: 3 });
  assert.equal(r.iterations, 3);
  assert.equal(r.converged, false);
  assert.ok(r.residuals[0] > 1e-6);
});
