import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDigits } from './digits.js';

test('vendored digits: 1797 images of 64 pixels in [0, 16], labels 0–9 with every class present', () => {
  const { images, labels } = loadDigits();
  assert.equal(images.rows, 1797);
  assert.equal(images.cols, 64);
  let min = Infinity;
  let max = -Infinity;
  for (const v of images.data) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  assert.equal(min, 0);
  assert.equal(max, 16);
  const counts = new Array(10).fill(0);
  for (const l of labels) counts[l]++;
  // scikit-learn's load_digits class counts (documented in its dataset description).
  assert.deepEqual(counts, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
});
