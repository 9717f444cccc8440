import type { Matrix } from '../linalg/matrix.js';
import { eigvalsSym } from './dense.js';
import { NtkInputError } from '../errors.js';
import { assertSymmetricKernel } from './validate.js';

/**
 * The largest learning rate for which (momentum) gradient descent on the MSE loss with a constant
 * kernel converges: η_max = 2·(1 + μ)·N/λ_max(K).
 *
 * In ntk-lab's normalization L = (1/2N)·Σₙ‖fₙ − yₙ‖², one GD step maps the residual by I − (η/N)·K,
 * a contraction iff η < 2N/λ_max (Kopitkov & Indelman 2020). Conversions (docs/training.md):
 *   - L = ½·Σ (no 1/N; Yarotsky): η_crit = 2/λ_max  = η_max / N;
 *   - L = (1/2·N·O)·Σ (neural-tangents `max_learning_rate`): 2·N·O/λ_max = O·η_max;
 *   - with momentum μ (heavy ball): ×(1 + μ), as neural-tangents (Goh, "Why momentum really works").
 */
export function maxLearningRate(kTrain: Matrix, opts: { momentum?: number } = {}): number {
  assertSymmetricKernel('maxLearningRate', 'kTrain', kTrain);
  const momentum = opts.momentum ?? 0;
  // Heavy ball converges for some η > 0 only when 0 ≤ μ < 1 (Polyak 1964).
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum < 1))
    throw new NtkInputError(`maxLearningRate: momentum must be a number in [0, 1), got ${String(momentum)}`);
  const values = eigvalsSym(kTrain);
  const lmax = values[values.length - 1];
  if (!(lmax > 0))
    throw new RangeError(`maxLearningRate: kTrain must have a positive eigenvalue, got λ_max = ${lmax}`);
  return (2 * (1 + momentum) * kTrain.rows) / lmax;
}
