import { lanczos } from '../../../src/linalg/lanczos.js';
import { Matrix } from '../../../src/linalg/matrix.js';
import { empiricalNtk } from '../../../src/empirical/empiricalNtk.js';
import { kernelFn } from '../../../src/kernels/kernelFn.js';
import { modelFromJson, withHiddenWidth } from '../../../src/nn/model.js';
import { initParams } from '../../../src/nn/network.js';
import { PRNGKey } from '../../../src/random/keys.js';
import { eighDescending } from '../../../src/spectral/alignment.js';
import { denseModelJson } from './modelJson.js';
import { kernelSpec } from './specs.js';
import { inputPoints } from './inputs.js';
import { matrix, num, str, vector, type LabCompute, type LabInputs } from './result.js';
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

/** The inputs of a dropped .npy file: an N×d float64 array (N ≥ 2). */
function droppedInputs(inputs: LabInputs): Matrix {
  const a = inputs.x;
  if (!a)
    throw new NtkInputError(
      "inputs = 'file': drop an N×d .npy file on the page first (a file is not part of the link)",
    );
  if (a.shape.length !== 2 || a.shape[0] < 2)
    throw new NtkInputError(`the dropped .npy must be N×d with N ≥ 2, got shape [${a.shape.join(', ')}]`);
  return new Matrix(a.shape[0], a.shape[1], a.data);
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
 * The `kernel` view: the infinite-width NNGP and NTK of a dense network on the chosen inputs (Jacot et al.
 * 2018, Thm 1; Lee et al. 2019, §2, neural-tangents conventions), the NTK's eigenvalues and top
 * eigenvectors, and — for the empirical NTK of sampled finite nets of widths 16 … width — the relative
 * Frobenius error ‖Θ_w − Θ‖/‖Θ‖, which falls as w^{−1/2} (Arora et al. 2019, Thm 3.1).
 */
export const kernelCompute: LabCompute = (p, emit, inputs) => {
  const spec = kernelSpec(p);
  const model = modelFromJson(denseModelJson(spec));
  const x = str(p, 'inputs') === 'file' ? droppedInputs(inputs) : inputPoints(str(p, 'inputs'), num(p, 'n'));
  const n = x.rows;
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
    const params = initParams(m.net, PRNGKey(num(p, 'seed')), [x.cols]);
    const emp = empiricalNtk(m.net, params, x);
    const diff = new Matrix(n, n);
    for (let j = 0; j < diff.data.length; j++) diff.data[j] = emp.data[j] - ntk!.data[j];
    errors.push(frobenius(diff) / norm);
    emit.progress(3 + i, total);
  }
  return {
    arrays: {
      x: matrix(n, x.cols, x.data),
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
