import { Matrix } from '../../linalg/matrix.js';
import { Dense, Relu, serial } from '../../nn/index.js';
import type { Layer } from '../../nn/types.js';
import type { Key } from '../../random/key.js';
import { normal } from '../../random/normal.js';
import { uniform } from '../../random/uniform.js';

/**
 * Jacot et al.'s network (2018, §2): α̃^(l+1) = n_l^{-1/2}·W^(l)α^(l) + β·b^(l), all parameters
 * N(0, 1), σ = ReLU — ntk-lab's Dense in the 'ntk' parameterization with W_std = 1, b_std = β. `depth`
 * hidden layers of `width` units and one linear output. Its limiting kernels Σ^(L), Θ^(L)_∞ (Jacot et al. 2018,
 * "Limiting Kernel") are kernelFn's.
 */
export function jacotNet(depth: number, width: number, beta: number): Layer {
  if (!Number.isInteger(depth) || depth < 1)
    throw new RangeError(`jacotNet: depth must be an integer ≥ 1, got ${depth}`);
  const layers: Layer[] = [];
  for (let l = 0; l < depth; l++) layers.push(Dense({ width, W_std: 1, b_std: beta }), Relu());
  layers.push(Dense({ width: 1, W_std: 1, b_std: beta }));
  return serial(...layers);
}

/** n points on the unit circle x = (cos γ, sin γ) at γ uniform in [0, 2π) (Jacot et al., Fig. 1 inputs). */
export function circlePoints(key: Key, n: number): Matrix {
  const g = uniform(key, n, 0, 2 * Math.PI);
  const x = new Matrix(n, 2);
  for (let i = 0; i < n; i++) {
    x.data[2 * i] = Math.cos(g[i]);
    x.data[2 * i + 1] = Math.sin(g[i]);
  }
  return x;
}

/** n standard Gaussian points in ℝ^d (distinct norms and directions: a kernel spectrum without ties). */
export function gaussianPoints(key: Key, n: number, d: number): Matrix {
  return new Matrix(n, d, normal(key, n * d));
}
