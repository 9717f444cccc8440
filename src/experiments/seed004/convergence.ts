import type { Matrix } from '../../linalg/matrix.js';
import { predictGradientDescentMse } from '../../predict/gradientDescentMse.js';

/**
 * GD iterations to fit targets under constant-kernel dynamics (Arora et al. 2019, as Basri et al. 2020 eq. 8 restates it):
 * u_t − y = (I − ηK/N)^t (u₀ − y) with u₀ = 0, evaluated in K's eigenbasis by predictGradientDescentMse.
 * For each column of Y, the first t at which the residual on the selected rows has fallen to `delta`
 * of its initial norm: residuals on a geometric grid of steps (ratio `ratio`), then log-linear
 * interpolation between the two bracketing grid steps (so t is resolved to a fraction of the ratio).
 * Infinity when it is not reached by maxSteps.
 */
export function convergenceSteps(
  kTrain: Matrix,
  Y: Matrix,
  lr: number,
  delta: number,
  opts: { maxSteps: number; ratio?: number; rows?: readonly (readonly number[])[] },
): number[][] {
  const ratio = opts.ratio ?? 1.04;
  if (!(ratio > 1)) throw new RangeError(`convergenceSteps: ratio must be > 1, got ${ratio}`);
  if (!(delta > 0 && delta < 1))
    throw new RangeError(`convergenceSteps: delta must be in (0, 1), got ${delta}`);
  const steps: number[] = [0];
  for (let s = 1; s <= opts.maxSteps; s = Math.max(s + 1, Math.round(s * ratio))) steps.push(s);
  const pred = predictGradientDescentMse({ kTrain, yTrain: Y, lr, onWarning: () => {} });
  const n = Y.rows;
  const o = Y.cols;
  const rowSets = opts.rows ?? [Array.from({ length: n }, (_, i) => i)];
  const out = rowSets.map(() => new Array<number>(o).fill(Infinity));
  const prev = rowSets.map(() => new Float64Array(o).fill(NaN));
  const init = rowSets.map(() => new Float64Array(o));
  const whole = opts.rows === undefined;
  const chunk = whole ? 128 : 16;
  for (let k0 = 0; k0 < steps.length; k0 += chunk) {
    const part = steps.slice(k0, k0 + chunk);
    // whole set: ‖u_t − y‖ = ‖ρ(t)⊙Vᵀ(u₀ − y)‖ (orthonormal V), from residualModes in O(N·O) per step;
    // row subsets need the residual itself, u_t − y, from predict
    const modes = whole ? pred.residualModes(part, 'gd').coefficients : null;
    const fs = whole ? null : pred.predict(part, 'gd').fTrain;
    part.forEach((s, kk) => {
      rowSets.forEach((rows, ri) => {
        for (let j = 0; j < o; j++) {
          let r2 = 0;
          if (modes) for (let i = 0; i < n; i++) r2 += modes[kk].data[i * o + j] ** 2;
          else for (const i of rows) r2 += (fs![kk].data[i * o + j] - Y.data[i * o + j]) ** 2;
          const r = Math.sqrt(r2);
          if (s === 0) init[ri][j] = r;
          const e = r / init[ri][j];
          if (out[ri][j] === Infinity && e <= delta) {
            const k = k0 + kk;
            const ePrev = prev[ri][j];
            if (k === 0) out[ri][j] = 0;
            else {
              // log-linear interpolation between steps[k − 1] (e = ePrev > δ) and steps[k] (e ≤ δ)
              const a = Math.log(ePrev);
              const b = Math.log(Math.max(e, 1e-300));
              const fr = (a - Math.log(delta)) / (a - b);
              out[ri][j] = steps[k - 1] + fr * (steps[k] - steps[k - 1]);
            }
          }
          prev[ri][j] = e;
        }
      });
    });
    if (out.every((v) => v.every((t) => t < Infinity))) break;
  }
  return out;
}
