import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  logLogSlopeAllPairs,
  logLogSlopePositivePairs,
  logSteps,
  median,
  norm2,
  num,
  nums,
  relativeError,
  spearman,
} from './stats.js';

test('logLogSlopePositivePairs recovers an exact power law; spearman of monotone and reversed lists', () => {
  const x = [64, 128, 256, 512];
  assert.ok(
    Math.abs(
      logLogSlopePositivePairs(
        x,
        x.map((v) => 3 * v ** -0.5),
      ) + 0.5,
    ) < 1e-12,
  );
  assert.equal(spearman([1, 2, 3, 4], [10, 20, 25, 100]), 1);
  assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  // Hand-computed: ranks (1,2,3,4) vs (2,1,4,3): Σd² = 4, ρ = 1 − 6·4/(4·15) = 0.6.
  assert.ok(Math.abs(spearman([1, 2, 3, 4], [2, 1, 4, 3]) - 0.6) < 1e-12);
  assert.deepEqual(logSteps(100, 3), [0, 1, 10, 100]);
});

test('the two log–log slopes agree on positive data and differ exactly on non-positive values', () => {
  // y = 5·x², exact: both fits give slope 2.
  const x = [1, 2, 4, 8];
  const y = x.map((v) => 5 * v * v);
  assert.ok(Math.abs(logLogSlopePositivePairs(x, y) - 2) < 1e-12);
  assert.ok(Math.abs(logLogSlopeAllPairs(x, y) - 2) < 1e-12);
  // A zero and a negative y: the positive-pairs fit drops them (slope from (1, 5), (2, 20) is 2),
  // the all-pairs fit keeps them and returns NaN.
  const yBad = [5, 20, 0, -1];
  assert.ok(Math.abs(logLogSlopePositivePairs(x, yBad) - 2) < 1e-12);
  assert.ok(Number.isNaN(logLogSlopeAllPairs(x, yBad)));
  // Equal x: the positive-pairs fit throws, the all-pairs fit gives 0/0 = NaN.
  assert.throws(() => logLogSlopePositivePairs([2, 2], [1, 3]), /all x are equal/);
  assert.ok(Number.isNaN(logLogSlopeAllPairs([2, 2], [1, 3])));
  assert.throws(() => logLogSlopePositivePairs([1, 2], [1]), /same length/);
  assert.throws(() => logLogSlopeAllPairs([1], [1]), /≥ 2 pairs/);
  assert.throws(() => logLogSlopePositivePairs([1, 2], [0, 0]), /≥ 2 positive finite pairs, got 0/);
});

test('median, norm2 and relativeError on hand-computed cases', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]), /empty/);
  assert.equal(norm2([3, 4]), 5);
  assert.equal(norm2(new Float64Array([1, 2, 2])), 3);
  // a − b = (3, −1), ‖b‖ = ‖(0, 5)‖ = 5: ‖a − b‖/‖b‖ = √10/5.
  assert.ok(Math.abs(relativeError([3, 4], [0, 5]) - Math.sqrt(10) / 5) < 1e-15);
  assert.throws(() => relativeError([1], [1, 2]), /lengths differ/);
});

test('num and nums read numbers and name the metric otherwise', () => {
  const m = { a: 1.5, b: [1, 2], c: NaN, d: 'x', e: [1, NaN] };
  assert.equal(num(m, 'a'), 1.5);
  assert.deepEqual(nums(m, 'b'), [1, 2]);
  assert.throws(() => num(m, 'c'), /metric 'c' must be a number/);
  assert.throws(() => num(m, 'd'), /metric 'd'/);
  assert.throws(() => num(m, 'missing'), /metric 'missing'/);
  assert.throws(() => nums(m, 'e'), /metric 'e' must be an array of numbers/);
  assert.throws(() => nums(m, 'a'), /metric 'a'/);
});
