import { Matrix } from '../linalg/matrix.js';
import { permutation } from '../random/discrete.js';
import type { Key } from '../random/key.js';
import type { Digits } from './digits.js';

/**
 * A fixed train/test split of the 8×8 digits as NHWC images (N, 8, 8, 1), standardized with the training
 * pixels' mean and standard deviation (one scalar each, so the images keep their spatial structure),
 * and targets centred as Arora et al. 2019 (§6): y = onehot − 0.1 (10 classes).
 */
export interface DigitsSplit {
  readonly xTrain: { shape: number[]; data: Float64Array };
  readonly xTest: { shape: number[]; data: Float64Array };
  readonly yTrain: Matrix;
  readonly yTest: Matrix;
  readonly labelsTrain: Int32Array;
  readonly labelsTest: Int32Array;
}

export function digitsSplit(d: Digits, nTrain: number, nTest: number, key: Key): DigitsSplit {
  const N = d.labels.length;
  if (!Number.isInteger(nTrain) || !Number.isInteger(nTest) || nTrain < 1 || nTest < 1 || nTrain + nTest > N)
    throw new RangeError(
      `digitsSplit: nTrain, nTest must be positive integers with nTrain + nTest ≤ ${N}, got ${nTrain}, ${nTest}`,
    );
  const perm = permutation(key, N);
  const pick = (from: number, n: number) => {
    const x = new Float64Array(n * 64);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const r = perm[from + i];
      x.set(d.images.data.subarray(r * 64, r * 64 + 64), i * 64);
      labels[i] = d.labels[r];
    }
    return { x, labels };
  };
  const tr = pick(0, nTrain);
  const te = pick(nTrain, nTest);
  let mean = 0;
  for (const v of tr.x) mean += v;
  mean /= tr.x.length;
  let sd = 0;
  for (const v of tr.x) sd += (v - mean) ** 2;
  sd = Math.sqrt(sd / tr.x.length);
  for (const a of [tr.x, te.x]) for (let i = 0; i < a.length; i++) a[i] = (a[i] - mean) / sd;
  const targets = (labels: Int32Array): Matrix => {
    const y = new Matrix(labels.length, 10);
    for (let i = 0; i < labels.length; i++)
      for (let c = 0; c < 10; c++) y.data[i * 10 + c] = (c === labels[i] ? 1 : 0) - 0.1;
    return y;
  };
  return {
    xTrain: { shape: [nTrain, 8, 8, 1], data: tr.x },
    xTest: { shape: [nTest, 8, 8, 1], data: te.x },
    yTrain: targets(tr.labels),
    yTest: targets(te.labels),
    labelsTrain: tr.labels,
    labelsTest: te.labels,
  };
}
