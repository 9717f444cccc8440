import { Matrix } from '../../linalg/matrix.js';
import type { Tensor } from '../../nn/types.js';
import type { Key } from '../../random/key.js';
import { normal } from '../../random/normal.js';

/**
 * n Gaussian points rescaled onto the sphere of radius √d (so ‖x‖²/d = 1), with the n × 1 targets
 * y_i = target(x_i) (the 003 toy data sets differ only in their target).
 */
export function sphereData(
  key: Key,
  n: number,
  d: number,
  target: (x: Float64Array) => number,
): { x: Tensor; y: Matrix } {
  const x = normal(key, n * d);
  const y = new Matrix(n, 1);
  for (let i = 0; i < n; i++) {
    const row = x.subarray(i * d, (i + 1) * d);
    const r = Math.hypot(...row) / Math.sqrt(d);
    for (let j = 0; j < d; j++) row[j] /= r;
    y.data[i] = target(row);
  }
  return { x: { shape: [n, d], data: x }, y };
}
