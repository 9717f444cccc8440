import { Dense, Erf, Relu, serial } from '../../nn/index.js';
import type { Layer, Tensor } from '../../nn/types.js';
import { loadDigits } from '../../data/digits.js';
import { Matrix } from '../../linalg/matrix.js';
import { normal, permutation } from '../../random/index.js';
import type { Key } from '../../random/key.js';
import type { PreciseLayer } from '../../spectral/index.js';

/** Shared pieces of the 002 experiments (Arora et al. 2019; Yang & Salman 2019). */

/**
 * A fully-connected network in neural-tangents conventions ('ntk' parameterization, docs/conventions.md §1):
 * `depth` hidden layers [Dense(width, W_std, b_std), φ] then a readout Dense(outputs, W_std·outScale, b_std).
 * `firstW` overrides W_std of the first Dense (Arora's net has an unscaled first layer: W_std = 1).
 */
export interface MlpSpec {
  readonly activation: 'relu' | 'erf';
  readonly depth: number;
  readonly W_std: number;
  readonly b_std: number;
  readonly firstW?: number;
  readonly outputs?: number;
  readonly outScale?: number;
}

export function mlp(spec: MlpSpec, width: number): Layer {
  const layers: Layer[] = [];
  for (let h = 0; h < spec.depth; h++) {
    const W = h === 0 && spec.firstW !== undefined ? spec.firstW : spec.W_std;
    layers.push(Dense({ width, W_std: W, b_std: spec.b_std }), spec.activation === 'relu' ? Relu() : Erf());
  }
  layers.push(
    Dense({ width: spec.outputs ?? 1, W_std: spec.W_std * (spec.outScale ?? 1), b_std: spec.b_std }),
  );
  return serial(...layers);
}

/** The same network as the high-precision layer stack of src/spectral/precise (for boolean-cube spectra). */
export function preciseMlp(spec: MlpSpec): PreciseLayer[] {
  const out: PreciseLayer[] = [];
  for (let h = 0; h < spec.depth; h++) {
    const W = h === 0 && spec.firstW !== undefined ? spec.firstW : spec.W_std;
    out.push({ type: 'Dense', W_std: W, b_std: spec.b_std });
    out.push(spec.activation === 'relu' ? { type: 'ABRelu', a: 0, b: 1 } : { type: 'Erf', a: 1, b: 1, c: 0 });
  }
  out.push({ type: 'Dense', W_std: spec.W_std * (spec.outScale ?? 1), b_std: spec.b_std });
  return out;
}

/** N points uniform on the sphere of radius √d (so ⟨x, x⟩/d = 1: Arora's ‖x‖ = 1 under Σ⁰ = ⟨x, x'⟩/d). */
export function spherePoints(key: Key, N: number, d: number): Tensor {
  const data = normal(key, N * d);
  for (let i = 0; i < N; i++) {
    const row = data.subarray(i * d, (i + 1) * d);
    const s = Math.sqrt(d) / Math.hypot(...row);
    for (let j = 0; j < d; j++) row[j] *= s;
  }
  return { shape: [N, d], data };
}

/** A labelled subset of the 8×8 digits, preprocessed for kernels and nets. */
export interface DigitsSplit {
  /** N × 64, each image centred (its own mean pixel removed) and scaled to ‖x‖² = 64 (Arora's ‖x‖ = 1 under Σ⁰ = ⟨x, x'⟩/d). */
  readonly xTrain: Matrix;
  readonly xTest: Matrix;
  /** One-hot minus 0.1 (Arora et al. 2019, §6: targets with zero mean over the 10 classes). */
  readonly yTrain: Matrix;
  readonly yTest: Matrix;
  readonly labelsTrain: Int32Array;
  readonly labelsTest: Int32Array;
}

function preprocess(images: Matrix, rows: Int32Array): Matrix {
  const d = images.cols;
  const out = new Matrix(rows.length, d);
  rows.forEach((r, i) => {
    const src = images.data.subarray(r * d, (r + 1) * d);
    const mean = src.reduce((a, v) => a + v, 0) / d;
    let ss = 0;
    for (let j = 0; j < d; j++) ss += (src[j] - mean) ** 2;
    const s = Math.sqrt(d / ss);
    for (let j = 0; j < d; j++) out.data[i * d + j] = (src[j] - mean) * s;
  });
  return out;
}

function oneHot(labels: Int32Array): Matrix {
  const y = new Matrix(labels.length, 10);
  labels.forEach((l, i) => {
    for (let o = 0; o < 10; o++) y.data[i * 10 + o] = (o === l ? 1 : 0) - 0.1;
  });
  return y;
}

/** A random train/test split of the digits (disjoint rows drawn by `key`). */
export function digitsSplit(key: Key, nTrain: number, nTest: number): DigitsSplit {
  const { images, labels } = loadDigits();
  if (!(
    Number.isInteger(nTrain) &&
    Number.isInteger(nTest) &&
    nTrain >= 1 &&
    nTest >= 1 &&
    nTrain + nTest <= labels.length
  ))
    throw new RangeError(
      `digitsSplit: need integers nTrain, nTest ≥ 1 with nTrain + nTest ≤ ${labels.length}, got ${nTrain} and ${nTest}`,
    );
  const perm = permutation(key, labels.length);
  const tr = perm.slice(0, nTrain);
  const te = perm.slice(nTrain, nTrain + nTest);
  const lt = Int32Array.from(tr, (r) => labels[r]);
  const le = Int32Array.from(te, (r) => labels[r]);
  return {
    xTrain: preprocess(images, tr),
    xTest: preprocess(images, te),
    yTrain: oneHot(lt),
    yTest: oneHot(le),
    labelsTrain: lt,
    labelsTest: le,
  };
}

/** Fraction of rows of the N×10 predictions whose argmax equals the label. */
export function accuracy(f: Matrix, labels: Int32Array): number {
  let hit = 0;
  for (let i = 0; i < f.rows; i++) {
    let b = 0;
    for (let o = 1; o < f.cols; o++) if (f.data[i * f.cols + o] > f.data[i * f.cols + b]) b = o;
    if (b === labels[i]) hit++;
  }
  return hit / f.rows;
}

/** N × 1 targets: +1 for an even digit, −1 for an odd one. */
export function parityTargets(labels: Int32Array): Matrix {
  return new Matrix(
    labels.length,
    1,
    Float64Array.from(labels, (l) => (l % 2 === 0 ? 1 : -1)),
  );
}
