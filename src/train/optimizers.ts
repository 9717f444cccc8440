/**
 * First-order optimizers on a flat parameter vector θ (flattenParams order), updated in place.
 *   gd / sgd:  θ ← θ − η·g   (full batch or a minibatch gradient; the batches are the trainer's business)
 *   momentum:  v ← μ·v + g,  θ ← θ − η·v   (heavy ball, as PyTorch SGD(momentum=μ) and optax.sgd(momentum))
 *   adam:      m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²,  θ ← θ − η·m̂/(√v̂ + ε),
 *              m̂ = m/(1 − β₁ᵏ), v̂ = v/(1 − β₂ᵏ), k = number of updates so far (Kingma & Ba 2015, Algorithm 1)
 */

export type OptimizerName = 'gd' | 'sgd' | 'momentum' | 'adam';

/** An optimizer and its hyperparameters (momentum μ; Adam β₁, β₂, ε). */
export interface OptimizerSpec {
  readonly name: OptimizerName;
  /** Momentum μ ∈ [0, 1) (default 0.9). */
  readonly momentum?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
}

/** An optimizer with its state (momentum, Adam moments), updating θ in place. */
export interface Optimizer {
  readonly name: OptimizerName;
  /** One update with gradient g and learning rate lr. */
  update(theta: Float64Array, g: Float64Array, lr: number): void;
}

function inUnit(name: string, x: number): void {
  if (!Number.isFinite(x) || x < 0 || x >= 1)
    throw new RangeError(`optimizer: ${name} must be in [0, 1), got ${x}`);
}

/** A fresh optimizer for P = paramCount parameters: gd / sgd θ ← θ − η·g; momentum v ← μ·v + g, θ ← θ − η·v; Adam (Kingma & Ba 2015, Algorithm 1). */
export function makeOptimizer(spec: OptimizerSpec | OptimizerName, paramCount: number): Optimizer {
  const s: OptimizerSpec = typeof spec === 'string' ? { name: spec } : spec;
  switch (s.name) {
    case 'gd':
    case 'sgd':
      return {
        name: s.name,
        update(theta, g, lr) {
          for (let i = 0; i < theta.length; i++) theta[i] -= lr * g[i];
        },
      };
    case 'momentum': {
      const mu = s.momentum ?? 0.9;
      inUnit('momentum', mu);
      const v = new Float64Array(paramCount);
      return {
        name: 'momentum',
        update(theta, g, lr) {
          for (let i = 0; i < theta.length; i++) {
            v[i] = mu * v[i] + g[i];
            theta[i] -= lr * v[i];
          }
        },
      };
    }
    case 'adam': {
      const b1 = s.beta1 ?? 0.9;
      const b2 = s.beta2 ?? 0.999;
      const eps = s.eps ?? 1e-8;
      inUnit('beta1', b1);
      inUnit('beta2', b2);
      if (!Number.isFinite(eps) || eps <= 0) throw new RangeError(`optimizer: eps must be > 0, got ${eps}`);
      const m = new Float64Array(paramCount);
      const v = new Float64Array(paramCount);
      let k = 0;
      return {
        name: 'adam',
        update(theta, g, lr) {
          k++;
          const c1 = 1 - Math.pow(b1, k);
          const c2 = 1 - Math.pow(b2, k);
          for (let i = 0; i < theta.length; i++) {
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            theta[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
          }
        },
      };
    }
    default:
      throw new RangeError(`optimizer must be 'gd', 'sgd', 'momentum' or 'adam', got '${String(s.name)}'`);
  }
}
