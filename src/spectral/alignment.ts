import { eigh } from '../linalg/eigh.js';
import { Matrix } from '../linalg/matrix.js';

/**
 * Alignment of a vector with the top eigenspaces of a Gramian (Kopitkov & Indelman, "Neural spectrum
 * alignment", seed 000, §Results): for eigenvectors v₁, v₂, … of G ordered by descending eigenvalue,
 *
 *   cos[α(φ, k)] = Σ_{i≤k} ⟨φ, vᵢ⟩² / ‖φ‖²,
 *
 * the seed's name for the squared cosine of the angle between φ and its projection on span{v₁..v_k}.
 * φ is the target y, the residual m_t = f_t − y or the outputs f_t; one curve gives every k at once.
 */

/** Eigenpairs of a symmetric matrix ordered by DESCENDING eigenvalue (column j of `vectors` ↔ values[j]). */
export function eighDescending(G: Matrix): { values: Float64Array; vectors: Matrix } {
  const { values, vectors } = eigh(G);
  const n = values.length;
  const v = new Matrix(n, n);
  const vals = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    vals[j] = values[n - 1 - j];
    for (let i = 0; i < n; i++) v.data[i * n + j] = vectors.data[i * n + (n - 1 - j)];
  }
  return { values: vals, vectors: v };
}

/**
 * cos α(φ, k) for k = 1..K (entry k − 1), where `vectors` is n × K with orthonormal columns ordered by
 * descending eigenvalue (e.g. from eighDescending or lanczos). Non-decreasing in k; equals 1 at
 * k = n for a complete basis.
 */
export function alignmentCurve(vectors: Matrix, phi: Float64Array): Float64Array {
  const n = vectors.rows;
  const K = vectors.cols;
  if (phi.length !== n)
    throw new RangeError(`alignmentCurve: phi has length ${phi.length}, expected vectors.rows = ${n}`);
  let norm2 = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(phi[i])) throw new RangeError(`alignmentCurve: phi[${i}] = ${phi[i]} is not finite`);
    norm2 += phi[i] * phi[i];
  }
  if (norm2 === 0) throw new RangeError('alignmentCurve: phi is the zero vector; its alignment is undefined');
  const proj = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    const p = phi[i];
    const row = i * K;
    for (let j = 0; j < K; j++) proj[j] += p * vectors.data[row + j];
  }
  const curve = new Float64Array(K);
  let acc = 0;
  for (let j = 0; j < K; j++) {
    acc += proj[j] * proj[j];
    curve[j] = acc / norm2;
  }
  return curve;
}

/** One snapshot of training: the Gramian's eigenvectors (n × K, descending) and the vectors to align. */
export interface AlignmentSnapshot {
  readonly vectors: Matrix;
  /** Named vectors of length n, e.g. { target: y, residual: m_t, output: f_t }. */
  readonly phis: { readonly [name: string]: Float64Array };
}

/** Alignment curves over a series of snapshots: result[s][name] = alignmentCurve(snapshot s, phis[name]). */
export function alignmentSeries(snapshots: readonly AlignmentSnapshot[]): { [name: string]: Float64Array }[] {
  return snapshots.map((s, i) => {
    const out: { [name: string]: Float64Array } = {};
    for (const [name, phi] of Object.entries(s.phis)) {
      try {
        out[name] = alignmentCurve(s.vectors, phi);
      } catch (e) {
        throw new Error(`alignmentSeries: snapshot ${i}, '${name}': ${(e as Error).message}`);
      }
    }
    return out;
  });
}

/** The parts of a training run (src/train `TrainResult`) that alignment needs. */
export interface AlignmentRun {
  readonly steps: readonly number[];
  /** Train outputs N×1 at the recorded steps (null when not recorded). */
  readonly fTrain: readonly Matrix[] | null;
  readonly ntk: readonly { readonly step: number; readonly eigenvectors: Matrix | null }[];
}

/**
 * Seed 000's three curves at every NTK snapshot of a training run: the alignment of the target y, of the
 * residual m_t = f_t − y and of the outputs f_t with the top eigenvectors of G_t (f_t when the outputs
 * were recorded at that step; otherwise only the target). Single-output networks (y is N×1).
 */
export function trainingAlignment(
  run: AlignmentRun,
  y: Matrix,
): { step: number; target: Float64Array; residual: Float64Array | null; output: Float64Array | null }[] {
  if (y.cols !== 1)
    throw new RangeError(`trainingAlignment: y must be N×1 (one output), got ${y.rows}×${y.cols}`);
  return run.ntk.map((s) => {
    if (s.eigenvectors === null)
      throw new Error(
        `trainingAlignment: the NTK snapshot at step ${s.step} has no eigenvectors (train with ntkEigen)`,
      );
    const target = alignmentCurve(s.eigenvectors, y.data);
    const idx = run.steps.indexOf(s.step);
    const f = idx >= 0 && run.fTrain !== null ? run.fTrain[idx] : null;
    if (f === null) return { step: s.step, target, residual: null, output: null };
    if (f.cols !== 1 || f.rows !== y.rows)
      throw new RangeError(
        `trainingAlignment: outputs at step ${s.step} are ${f.rows}×${f.cols}, expected ${y.rows}×1`,
      );
    const m = f.data.map((v, i) => v - y.data[i]);
    const residual = m.some((v) => v !== 0) ? alignmentCurve(s.eigenvectors, m) : null;
    const output = f.data.some((v) => v !== 0) ? alignmentCurve(s.eigenvectors, f.data) : null;
    return { step: s.step, target, residual, output };
  });
}
