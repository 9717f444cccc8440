/** Argument checks: each message names the argument, the expectation and what was given. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from './matrix.js';
import {
  assertFinite,
  assertNoOverlap,
  assertShape,
  assertSquare,
  assertSymmetric,
  assertVector,
} from './validate.js';

describe('validate', () => {
  test('assertFinite names the first bad entry', () => {
    assertFinite('K', Matrix.identity(3));
    const M = new Matrix(2, 3);
    M.set(1, 2, -Infinity);
    assert.throws(() => assertFinite('K', M), /K: expected finite entries, got -Infinity at \(1, 2\)/);
    assert.throws(
      () => assertFinite('y', new Float64Array([0, NaN])),
      /y: expected finite entries, got NaN at \[1\]/,
    );
  });

  test('shapes', () => {
    assertShape('X', new Matrix(2, 5), 2, null);
    assert.throws(() => assertShape('X', new Matrix(2, 5), 3, 5), /X: expected shape 3×5, got 2×5/);
    assert.throws(() => assertShape('X', new Matrix(2, 5), null, 4), /X: expected shape any×4, got 2×5/);
    assert.throws(() => assertSquare('G', new Matrix(2, 5)), /G: expected a square matrix, got 2×5/);
    assert.throws(
      () => assertVector('v', new Float32Array(2)),
      /v: expected a Float64Array, got Float32Array/,
    );
    assert.throws(() => assertVector('v', new Float64Array(2), 3), /v: expected length 3, got length 2/);
  });

  test('assertSymmetric: relative tolerance and the worst pair', () => {
    const S = Matrix.fromRows([
      [1e6, 2, 3],
      [2, 1, 4],
      [3, 4 + 1e-5, 1],
    ]);
    assertSymmetric('S', S); // 1e-5 ≤ 1e-10·1e6
    S.set(1, 0, 2.5);
    assert.throws(
      () => assertSymmetric('S', S),
      /S: expected a symmetric matrix .*S\[1\]\[0\] = 2.5 vs S\[0\]\[1\] = 2 \(worst pair \(1, 0\), difference 0.5\)/,
    );
    assertSymmetric('S', S, 1e-6);
  });

  test('assertNoOverlap detects shared memory of views', () => {
    const M = new Matrix(4, 2);
    assertNoOverlap('out', M.rowBlock(0, 2).data, 'A', M.rowBlock(2, 4).data);
    assert.throws(
      () => assertNoOverlap('out', M.rowBlock(0, 3).data, 'A', M.rowBlock(2, 4).data),
      /out: must not share memory with A/,
    );
  });
});
