import { lanczos } from '../../../src/linalg/lanczos.js';
import { Matrix } from '../../../src/linalg/matrix.js';
import type { Tensor } from '../../../src/nn/types.js';
import { empiricalNtk } from '../../../src/empirical/empiricalNtk.js';
import { kernelFn } from '../../../src/kernels/kernelFn.js';
import { modelFromJson, withHiddenWidth } from '../../../src/nn/model.js';
import { initParams } from '../../../src/nn/network.js';
import { PRNGKey } from '../../../src/random/keys.js';
import { eighDescending } from '../../../src/spectral/alignment.js';
import { denseModelJson } from './modelJson.js';
import { kernelSpec } from './specs.js';
import { inputPoints } from './inputs.js';
import { matrix, num, str, vector, type LabCompute, type LabInputs, type LabParams } from './result.js';
import { NtkInputError } from '../../../src/errors.js';

/** Widths of the finite-width convergence plot: 2^4 … up to the chosen width. */
export function empiricalWidths(maxWidth: number): number[] {
  const out: number[] = [];
  for (let w = 16; w <= maxWidth; w *= 2) out.push(w);
  return out;
}

function frobenius(a: Matrix): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i] * a.data[i];
  return Math.sqrt(s);
}

/** Least-squares slope of log y against log x. */
function logSlope(x: readonly number[], y: readonly number[]): number {
  const lx = x.map(Math.log);
  const ly = y.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < lx.length; i++) {
    sxy += (lx[i] - mx) * (ly[i] - my);
    sxx += (lx[i] - mx) ** 2;
  }
  return sxy / sxx;
}

/** Length of the 1-D signals a convolutional network sees for the circle / grid points. */
export const SIGNAL_LENGTH = 16;

/**
 * The network's inputs as a tensor. Dense: the N×d points (or a dropped N×d file). Conv: each point
 * p = (p₀, p₁) becomes the 1-D signal s_t = p₀·cos(2πt/L) + p₁·sin(2πt/L), t = 0 … L − 1, one channel
 * (N×L×1); a dropped N×d file becomes N×d×1, and an N×L×C or N×H×W×C file is used as it is.
 */
export function kernelInputs(p: LabParams, inputs: LabInputs): Tensor {
  const conv = str(p, 'arch') === 'conv';
  if (str(p, 'inputs') === 'file') {
    const a = inputs.x;
    if (!a)
      throw new NtkInputError(
        "inputs = 'file': drop an N×d .npy file on the page first (a file is not part of the link)",
      );
    const rank = a.shape.length;
    if (a.shape[0] < 2 || (conv ? rank < 2 || rank > 4 : rank !== 2))
      throw new NtkInputError(
        `the dropped .npy must be ${conv ? 'N×d, N×L×C or N×H×W×C' : 'N×d'} with N ≥ 2 for a ${conv ? 'conv' : 'dense'} network, got shape [${a.shape.join(', ')}]`,
      );
    return { shape: conv && rank === 2 ? [...a.shape, 1] : [...a.shape], data: a.data };
  }
  const pts = inputPoints(str(p, 'inputs'), num(p, 'n'));
  if (!conv) return { shape: [pts.rows, 2], data: pts.data };
  const n = pts.rows;
  const L = SIGNAL_LENGTH;
  const data = new Float64Array(n * L);
  for (let i = 0; i < n; i++)
    for (let t = 0; t < L; t++)
      data[i * L + t] =
        pts.data[2 * i] * Math.cos((2 * Math.PI * t) / L) +
        pts.data[2 * i + 1] * Math.sin((2 * Math.PI * t) / L);
  return { shape: [n, L, 1], data };
}

/** Above this N only the top SPECTRUM_TOP eigenpairs are computed (Lanczos), not all N. */
const FULL_SPECTRUM_MAX = 400;
const SPECTRUM_TOP = 50;

function spectrum(K: Matrix): { values: Float64Array; vectors: Matrix } {
  if (K.rows <= FULL_SPECTRUM_MAX) return eighDescending(K);
  const r = lanczos(K, { k: SPECTRUM_TOP });
  return { values: r.values, vectors: r.vectors };
}

/**
 * The `kernel` view: the infinite-width NNGP and NTK of a dense or 1-D convolutional network (the CNTK, Arora
 * et al. 2019, §4) on the chosen inputs (Jacot et al.
 * 2018, Thm 1; Lee et al. 2019, §2, neural-tangents conventions), the NTK's eigenvalues and top
 * eigenvectors, and — for the empirical NTK of sampled finite nets of widths 16 … width — the relative
 * Frobenius error ‖Θ_w − Θ‖/‖Θ‖, which falls as w^{−1/2} (Arora et al. 2019, Thm 3.1).
 */
export const kernelCompute: LabCompute = (p, emit, inputs) => {
  const spec = kernelSpec(p);
  const model = modelFromJson(denseModelJson(spec));
  const x = kernelInputs(p, inputs);
  const n = x.shape[0];
  const widths = num(p, 'empirical') === 1 ? empiricalWidths(spec.width) : [];
  const total = 2 + widths.length;
  emit.progress(0, total);
  const t0 = performance.now();
  const { nngp, ntk } = kernelFn(model.net, x, null, { get: ['nngp', 'ntk'] });
  const kernelSeconds = (performance.now() - t0) / 1000;
  emit.progress(1, total);
  const eig = spectrum(ntk!);
  const top = Math.min(4, n);
  const k = eig.vectors.cols;
  const vecs = new Float64Array(n * top);
  for (let r = 0; r < n; r++) for (let c = 0; c < top; c++) vecs[r * top + c] = eig.vectors.data[r * k + c];
  emit.progress(2, total);
  const errors: number[] = [];
  const norm = frobenius(ntk!);
  for (let i = 0; i < widths.length; i++) {
    const m = withHiddenWidth(model, widths[i]);
    const params = initParams(m.net, PRNGKey(num(p, 'seed')), x.shape.slice(1));
    const emp = empiricalNtk(m.net, params, x);
    const diff = new Matrix(n, n);
    for (let j = 0; j < diff.data.length; j++) diff.data[j] = emp.data[j] - ntk!.data[j];
    errors.push(frobenius(diff) / norm);
    emit.progress(3 + i, total);
  }
  return {
    arrays: {
      x: { shape: x.shape, data: x.data },
      nngp: matrix(n, n, nngp!.data),
      ntk: matrix(n, n, ntk!.data),
      eigenvalues: vector(eig.values),
      eigenvectors: matrix(n, top, vecs),
      widths: vector(widths),
      empiricalError: vector(errors),
    },
    scalars: { n, kernelSeconds, slope: errors.length >= 2 ? logSlope(widths, errors) : NaN },
  };
};
