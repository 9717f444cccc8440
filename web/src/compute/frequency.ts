import { Matrix } from '../../../src/linalg/matrix.js';
import { maxLearningRate } from '../../../src/predict/maxLearningRate.js';
import { PRNGKey } from '../../../src/random/keys.js';
import { parseDensity } from '../../../src/spectral/circle/density.js';
import { basriZ, eq17List, predictedLocalFrequencies } from '../../../src/spectral/circle/eq17.js';
import { angularDistance, twoLayerReluBias } from '../../../src/spectral/circle/kernels.js';
import { regionFrequencies } from '../../../src/spectral/circle/localFrequency.js';
import { circleNystrom } from '../../../src/spectral/circle/nystrom.js';
import { sampleCircle } from '../../../src/spectral/circle/samples.js';
import { convergenceSteps } from '../../../src/experiments/seed004/convergence.js';
import { matrix, num, str, vector, type LabCompute } from './result.js';
import { NtkInputError } from '../../../src/errors.js';

/** Eigenfunctions drawn and analysed for local frequency. */
const SHOWN = 6;

/**
 * The `frequency` view (Basri et al. 2020): the two-layer ReLU-with-bias NTK on S¹ (eq. 11) under a
 * piecewise-constant density p (values on equal arcs from −π, normalized to ∫p = 1). Its top eigenvalues by
 * Nyström on M cells against eq. 17 as printed and as corrected; the top eigenfunctions and their local
 * frequency in each arc against q·√pⱼ/Z (eq. 13); and the GD iterations to learn cos(κx) from N samples of p
 * under the constant-kernel dynamics u ← u − (η/N)·H·(u − y), u₀ = 0 (Arora et al. 2019, eq. 8), to ‖y − u‖ ≤
 * 0.1‖y‖, with η half the largest stable step 2N/λ_max.
 */
export const frequencyCompute: LabCompute = (p, emit) => {
  const density = parseDensity(str(p, 'density'));
  if (density.kind !== 'piecewise')
    throw new NtkInputError('frequency: the density must be piecewise constant');
  const M = num(p, 'grid');
  const K = num(p, 'top');
  emit.progress(0, 3);
  const e = circleNystrom(twoLayerReluBias, density, { grid: M, top: K });
  const Z = basriZ(density);
  const typed = eq17List(Z, K, 'typed');
  const corrected = eq17List(Z, K, 'corrected');
  emit.progress(1, 3);
  const J = density.values.length;
  const shown = Math.min(SHOWN, K);
  const measured = new Float64Array(shown * J);
  const predicted = new Float64Array(shown * J);
  for (let i = 0; i < shown; i++) {
    const f = e.eigenfunctions.data.subarray(i * M, (i + 1) * M);
    const lf = J > 1 ? regionFrequencies(e.grid, f, J) : [];
    const q = corrected.q[i];
    const pred = predictedLocalFrequencies(density, q);
    for (let j = 0; j < J; j++) {
      measured[i * J + j] = J > 1 ? lf[j].fit : NaN;
      predicted[i * J + j] = pred[j];
    }
  }
  const N = num(p, 'samples');
  const xs = sampleCircle(density, N, PRNGKey(num(p, 'seed')));
  const u = new Float64Array(N * N);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) u[i * N + j] = angularDistance(xs[i] - xs[j]);
  const H = new Matrix(N, N, twoLayerReluBias(u));
  const kappas = Array.from({ length: num(p, 'kappaMax') }, (_, i) => i + 1);
  const Y = new Matrix(N, kappas.length);
  for (let i = 0; i < N; i++)
    for (let c = 0; c < kappas.length; c++) Y.data[i * kappas.length + c] = Math.cos(kappas[c] * xs[i]);
  const lr = 0.5 * maxLearningRate(H);
  emit.progress(2, 3);
  const times = convergenceSteps(H, Y, lr, 0.1, { maxSteps: 1e6 })[0];
  return {
    arrays: {
      density: vector(density.values),
      eigenvalues: vector(e.eigenvalues),
      eq17Typed: vector(typed.eigenvalues),
      eq17Corrected: vector(corrected.eigenvalues),
      eq17Q: vector(corrected.q),
      grid: vector(e.grid),
      eigenfunctions: matrix(shown, M, e.eigenfunctions.data.slice(0, shown * M)),
      localFrequency: matrix(shown, J, measured),
      predictedLocalFrequency: matrix(shown, J, predicted),
      kappa: vector(kappas),
      learningSteps: vector(times),
    },
    scalars: { Z, method: e.method, lr },
  };
};
