import { NtkInputError, NtkTypeError } from '../errors.js';
import { Matrix } from '../linalg/matrix.js';
import type { Flow, Layer, Params, Tensor } from '../nn/types.js';
import { matrixAsTensor } from '../nn/tensor.js';
import { leafLookup, type ParamLeaf } from './paramLeaves.js';

/**
 * Per-layer backward features of a batch: for every parameterized leaf l, its input x⁽ˡ⁾(x_n) and, for
 * every output unit o, the cotangent ∂f_o(x_n)/∂y⁽ˡ⁾ of its output (the "b⁽ʰ⁾(x)" of the backup slides
 * of seed 004). They determine each example's parameter gradient through the leaf's per-example rule,
 * ∂f_o(x_n)/∂θ_l = perExampleGrads(x⁽ˡ⁾_n, gy⁽ˡ,ᵒ⁾_n), so every empirical-NTK path is built on them.
 */
export interface LeafFeatures {
  readonly leaf: ParamLeaf;
  /** Feature shape (without batch) of the leaf's input and output. */
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly inSize: number;
  readonly outSize: number;
  /** N × inSize, row-major. */
  readonly x: Float64Array;
  /** gy[o]: N × outSize, row-major — the output cotangent for output unit o. */
  readonly gy: readonly Float64Array[];
}

export interface Features {
  /** Number of examples N. */
  readonly n: number;
  /** Number of network outputs O per example (the product of the output feature shape). */
  readonly outputs: number;
  readonly leaves: readonly LeafFeatures[];
}

/** An N×d Matrix or a batch-first Tensor as a Tensor; checks it is non-empty and finite. */
export function asBatch(name: string, x: Matrix | Tensor): Tensor {
  const t: Tensor = matrixAsTensor(x);
  if (!t || !Array.isArray(t.shape) || !(t.data instanceof Float64Array)) {
    throw new NtkTypeError(`${name}: expected a Matrix or a Tensor with Float64Array data`);
  }
  if (t.shape.length < 2) {
    throw new NtkInputError(
      `${name}: expected a batch of shape [N, ...features], got shape [${t.shape.join(', ')}]`,
    );
  }
  const size = t.shape.reduce((a, b) => a * b, 1);
  if (size !== t.data.length) {
    throw new NtkInputError(
      `${name}: shape [${t.shape.join(', ')}] needs ${size} entries, data has ${t.data.length}`,
    );
  }
  if (t.shape[0] < 1)
    throw new NtkInputError(`${name}: expected at least one example, got N = ${t.shape[0]}`);
  for (let i = 0; i < t.data.length; i++) {
    if (!Number.isFinite(t.data[i])) {
      const d = size / t.shape[0];
      throw new NtkInputError(
        `${name}: non-finite value ${t.data[i]} at example ${Math.floor(i / d)}, feature ${i % d}`,
      );
    }
  }
  return t;
}

/** Rows [r0, r1) of a batch, sharing memory. */
export function batchRows(x: Tensor, r0: number, r1: number): Tensor {
  const d = x.data.length / x.shape[0];
  return { shape: [r1 - r0, ...x.shape.slice(1)], data: x.data.subarray(r0 * d, r1 * d) };
}

/** The single output tensor of a forward pass (ntk-lab's empirical tools need one output). */
export function singleOutput(y: Flow<Tensor>, what: string): Tensor {
  if (Array.isArray(y)) {
    throw new Error(
      `${what}: the network returns ${y.length} tensors; the empirical NTK needs a single output (add a FanIn)`,
    );
  }
  return y as Tensor;
}

/** Number of outputs O per example of a batch output y (the product of its feature shape). */
export function outputsOf(y: Tensor): number {
  return y.data.length / y.shape[0];
}

/**
 * Collect the features of all N examples of `x`, in batches of `batch` rows: one forward pass per batch,
 * then one backward pass per output unit o with the cotangent e_o for every example; the BackwardTap
 * records (x⁽ˡ⁾, gy⁽ˡ⁾) at every parameterized leaf. Examples of a batch do not interact (no batch
 * statistics in ntk-lab's layers), so row n of the recorded cotangent is exactly ∂f_o(x_n)/∂y⁽ˡ⁾.
 */
export function collectFeatures(
  net: Layer,
  params: Params,
  leaves: readonly ParamLeaf[],
  x: Tensor,
  batch: number,
  onBatch?: (done: number, total: number) => void,
): Features {
  const N = x.shape[0];
  const lookup = leafLookup(leaves);
  let outputs = -1;
  let store: {
    inShape: number[];
    outShape: number[];
    inSize: number;
    outSize: number;
    x: Float64Array;
    gy: Float64Array[];
  }[] = [];
  for (let r0 = 0; r0 < N; r0 += batch) {
    const r1 = Math.min(N, r0 + batch);
    const b = r1 - r0;
    const { y, cache } = net.forward(params, batchRows(x, r0, r1));
    const out = singleOutput(y, 'empirical NTK');
    if (outputs < 0) {
      outputs = outputsOf(out);
      if (!Number.isInteger(outputs) || outputs < 1) {
        throw new Error(
          `empirical NTK: the network output has shape [${out.shape.join(', ')}] for a batch of ${b}`,
        );
      }
      store = leaves.map(() => ({
        inShape: [],
        outShape: [],
        inSize: -1,
        outSize: -1,
        x: new Float64Array(0),
        gy: [],
      }));
    }
    const O = outputs;
    const seenX = new Uint8Array(leaves.length);
    for (let o = 0; o < O; o++) {
      const cot = new Float64Array(b * O);
      for (let n = 0; n < b; n++) cot[n * O + o] = 1;
      const seen = new Uint8Array(leaves.length);
      net.backward(params, cache, { shape: out.shape.slice(), data: cot }, (layer, p, xin, gy) => {
        const leaf = lookup(layer, p);
        const s = store[leaf.index];
        if (s.inSize < 0) {
          s.inShape = xin.shape.slice(1);
          s.outShape = gy.shape.slice(1);
          s.inSize = xin.data.length / xin.shape[0];
          s.outSize = gy.data.length / gy.shape[0];
          s.x = new Float64Array(N * s.inSize);
          for (let k = 0; k < O; k++) s.gy.push(new Float64Array(N * s.outSize));
        }
        if (xin.shape[0] !== b || gy.shape[0] !== b) {
          throw new Error(
            `backward tap at the ${layer.type} layer: batch ${xin.shape[0]}/${gy.shape[0]}, expected ${b}`,
          );
        }
        if (!seenX[leaf.index]) {
          s.x.set(xin.data, r0 * s.inSize);
          seenX[leaf.index] = 1;
        }
        s.gy[o].set(gy.data, r0 * s.outSize);
        seen[leaf.index] = 1;
      });
      const missed = leaves.find((l) => !seen[l.index]);
      if (missed) {
        throw new Error(
          `empirical NTK: backward did not call the tap at the ${missed.layer.type} layer (leaf ${missed.index})`,
        );
      }
    }
    onBatch?.(r1, N);
  }
  return {
    n: N,
    outputs,
    leaves: leaves.map((leaf, i) => ({ leaf, ...store[i] })),
  };
}

/** Rows [r0, r1) of a row-major N×cols buffer as a Matrix view. */
export function rowsView(data: Float64Array, cols: number, r0: number, r1: number): Matrix {
  return new Matrix(r1 - r0, cols, data.subarray(r0 * cols, r1 * cols));
}
