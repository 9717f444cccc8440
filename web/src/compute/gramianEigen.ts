import { lanczos } from '../../../src/linalg/lanczos.js';
import { Matrix } from '../../../src/linalg/matrix.js';
import type { Tensor } from '../../../src/nn/types.js';
import { alignmentCurve, eighDescending } from '../../../src/spectral/alignment.js';
import type { TrainModel } from '../../../src/train/model.js';

export interface GramianEigen {
  readonly step: number;
  /** Top-k eigenvalues of G_t, descending. */
  readonly values: Float64Array;
  /** N × k, column i the eigenvector of values[i]. */
  readonly vectors: Float64Array;
  /** cos α_t(y, k) and cos α_t(f_t − y, k) (Kopitkov & Indelman 2020, eq. 10). */
  readonly alignY: number;
  readonly alignResidual: number;
}

/** Top-k eigenpairs of a symmetric N×N matrix, descending (Lanczos when k is small against N). */
export function topEigen(G: Matrix, k: number): { values: Float64Array; vectors: Matrix } {
  if (4 * k < G.rows) {
    const r = lanczos(G, { k });
    return { values: r.values, vectors: r.vectors };
  }
  const e = eighDescending(G);
  const vecs = new Matrix(G.rows, k);
  for (let r = 0; r < G.rows; r++)
    for (let c = 0; c < k; c++) vecs.data[r * k + c] = e.vectors.data[r * G.rows + c];
  return { values: e.values.slice(0, k), vectors: vecs };
}

/** The empirical Gramian G_t = Θ_t(X, X) at θ, its top-k eigenpairs and the alignments of y and f − y. */
export function gramianEigen(
  model: TrainModel,
  theta: Float64Array,
  x: Tensor,
  y: Float64Array,
  f: Float64Array,
  k: number,
  step: number,
): GramianEigen {
  const e = topEigen(model.ntk(theta, x), k);
  const r = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) r[i] = f[i] - y[i];
  return {
    step,
    values: e.values,
    vectors: e.vectors.data,
    alignY: alignmentCurve(e.vectors, y)[k - 1],
    alignResidual: alignmentCurve(e.vectors, r)[k - 1],
  };
}
