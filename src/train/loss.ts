/**
 * Training losses on outputs f and targets y, both N×O row-major. Each returns the loss value and
 * writes ∂L/∂f into `grad` (same layout); the 1/N average makes the gradient scale independent of
 * the batch size.
 *
 *  - 'mse': L = (1/2N)·Σₙ‖fₙ − yₙ‖², ∂L/∂f = (f − y)/N (docs/conventions.md §1; seed 000 with l = ½(f − y)²).
 *  - 'cross-entropy': L = −(1/N)·Σₙ Σₒ yₙₒ·log softmax(fₙ)ₒ, ∂L/∂fₙ = (softmax(fₙ)·Σₒyₙₒ − yₙ)/N,
 *    for one-hot or probability targets (log-sum-exp shifted by the row maximum).
 */

export type LossName = 'mse' | 'cross-entropy';

/** A training loss L(f, y) on N×O outputs, with ∂L/∂f. */
export interface Loss {
  readonly name: LossName;
  /** L(f, y); writes ∂L/∂f into grad when given. */
  evaluate(f: Float64Array, y: Float64Array, outputs: number, grad?: Float64Array): number;
}

/** L = (1/2N)·Σₙ‖fₙ − yₙ‖², ∂L/∂f = (f − y)/N. */
export const mse: Loss = {
  name: 'mse',
  evaluate(f, y, _outputs, grad) {
    const n = f.length / _outputs;
    let s = 0;
    for (let i = 0; i < f.length; i++) {
      const r = f[i] - y[i];
      s += r * r;
      if (grad) grad[i] = r / n;
    }
    return s / (2 * n);
  },
};

/** L = −(1/N)·Σₙ Σₒ yₙₒ·log softmax(fₙ)ₒ, ∂L/∂fₙ = (softmax(fₙ)·Σₒ yₙₒ − yₙ)/N. */
export const crossEntropy: Loss = {
  name: 'cross-entropy',
  evaluate(f, y, outputs, grad) {
    const n = f.length / outputs;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const o0 = i * outputs;
      let mx = -Infinity;
      for (let o = 0; o < outputs; o++) mx = Math.max(mx, f[o0 + o]);
      let z = 0;
      for (let o = 0; o < outputs; o++) z += Math.exp(f[o0 + o] - mx);
      const lse = mx + Math.log(z);
      let ysum = 0;
      for (let o = 0; o < outputs; o++) {
        ysum += y[o0 + o];
        if (y[o0 + o] !== 0) total -= y[o0 + o] * (f[o0 + o] - lse);
      }
      if (grad)
        for (let o = 0; o < outputs; o++) grad[o0 + o] = (Math.exp(f[o0 + o] - lse) * ysum - y[o0 + o]) / n;
    }
    return total / n;
  },
};

/** The loss named 'mse' or 'cross-entropy'. */
export function lossByName(name: string): Loss {
  if (name === 'mse') return mse;
  if (name === 'cross-entropy') return crossEntropy;
  throw new RangeError(`loss must be 'mse' or 'cross-entropy', got '${name}'`);
}
