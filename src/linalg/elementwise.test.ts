/** Entry-wise helpers against hand-computed values and definitions; shape and argument errors. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  add,
  addDiagonal,
  axpy,
  diag,
  diagMatrix,
  frobeniusNorm,
  hadamard,
  maxAbs,
  relativeFrobeniusError,
  scale,
  sub,
  symmetrize,
  trace,
} from './elementwise.js';
import { Matrix } from './matrix.js';

const A = Matrix.fromRows([
  [1, -2],
  [3, 4],
]);
const B = Matrix.fromRows([
  [0.5, 2],
  [-1, 0],
]);

describe('elementwise', () => {
  test('hadamard, add, sub, scale, axpy', () => {
    assert.deepEqual(hadamard(A, B).toRows(), [
      [0.5, -4],
      [-3, 0],
    ]);
    assert.deepEqual(add(A, B).toRows(), [
      [1.5, 0],
      [2, 4],
    ]);
    assert.deepEqual(sub(A, B).toRows(), [
      [0.5, -4],
      [4, 4],
    ]);
    assert.deepEqual(scale(-2, A).toRows(), [
      [-2, 4],
      [-6, -8],
    ]);
    const Y = B.clone();
    assert.equal(axpy(2, A, Y), Y);
    assert.deepEqual(Y.toRows(), [
      [2.5, -2],
      [5, 8],
    ]);
    const out = A.clone();
    assert.equal(hadamard(out, B, out), out); // in place is allowed
    assert.deepEqual(out.toRows(), hadamard(A, B).toRows());
  });

  test('norms and errors', () => {
    assert.equal(frobeniusNorm(A), Math.sqrt(30));
    assert.equal(maxAbs(A), 4);
    assert.equal(maxAbs(new Matrix(0, 3)), 0);
    const big = new Matrix(1, 2, new Float64Array([3e200, 4e200]));
    assert.ok(Math.abs(frobeniusNorm(big) / 5e200 - 1) < 1e-15); // no overflow
    const tiny = new Matrix(1, 2, new Float64Array([3e-200, 4e-200]));
    assert.ok(Math.abs(frobeniusNorm(tiny) / 5e-200 - 1) < 1e-15); // no underflow
    const sub = new Matrix(1, 2, new Float64Array([3 * 2 ** -1060, 4 * 2 ** -1060]));
    assert.equal(frobeniusNorm(sub), 5 * 2 ** -1060); // subnormal entries
    assert.equal(relativeFrobeniusError(A, A), 0);
    assert.ok(Math.abs(relativeFrobeniusError(add(A, B), A) - frobeniusNorm(B) / frobeniusNorm(A)) < 1e-15);
    assert.equal(relativeFrobeniusError(A, new Matrix(2, 2)), Infinity);
    assert.equal(relativeFrobeniusError(new Matrix(2, 2), new Matrix(2, 2)), 0);
    assert.ok(Number.isNaN(maxAbs(new Matrix(1, 2, new Float64Array([1, NaN])))));
  });

  test('symmetrize, addDiagonal, trace, diag, diagMatrix', () => {
    assert.deepEqual(symmetrize(A).toRows(), [
      [1, 0.5],
      [0.5, 4],
    ]);
    assert.deepEqual(addDiagonal(A, 1).toRows(), [
      [2, -2],
      [3, 5],
    ]);
    assert.deepEqual(addDiagonal(A, new Float64Array([10, 20])).toRows(), [
      [11, -2],
      [3, 24],
    ]);
    assert.deepEqual(A.toRows(), [
      [1, -2],
      [3, 4],
    ]);
    assert.equal(trace(A), 5);
    assert.deepEqual(Array.from(diag(new Matrix(2, 3, new Float64Array([1, 2, 3, 4, 5, 6])))), [1, 5]);
    assert.deepEqual(diagMatrix(new Float64Array([2, 3])).toRows(), [
      [2, 0],
      [0, 3],
    ]);
  });

  test('bad input', () => {
    assert.throws(() => add(A, new Matrix(2, 3)), /add: B: expected the shape of A, 2×2, got 2×3/);
    assert.throws(() => hadamard(A, B, new Matrix(1, 1)), /out: expected shape 2×2, got 1×1/);
    assert.throws(() => trace(new Matrix(2, 3)), /A: expected a square matrix, got 2×3/);
    assert.throws(() => addDiagonal(A, new Float64Array(3)), /c: expected length 2, got length 3/);
    assert.throws(() => addDiagonal(A, NaN), /c: expected a finite number, got NaN/);
    assert.throws(() => scale(1, 'x' as unknown as Matrix), /A: expected a Matrix, got string/);
  });
});
