import type { ParamLeaf } from './paramLeaves.js';

/**
 * The structured form of a Dense layer's per-example gradient. For y = c_W·x·W + c_b·b (docs/conventions.md §1:
 * 'ntk' has c_W = W_std/√n_in, c_b = b_std; 'standard' has c_W = c_b = 1),
 *   ∂⟨gy, y⟩/∂W = c_W·x ⊗ gy,   ∂⟨gy, y⟩/∂b = c_b·gy,
 * so the leaf's NTK contribution between examples n and m is (backup slides of seed 004)
 *   Θ_l(n, m) = c_W²·⟨x_n, x_m⟩·⟨gy_n, gy_m⟩ + c_b²·⟨gy_n, gy_m⟩,
 * a Hadamard product of two Gram matrices that never forms the Jacobian.
 */
export interface OuterProductRule {
  readonly nIn: number;
  readonly nOut: number;
  readonly cW: number;
  /** 0 when the layer has no bias. */
  readonly cb: number;
}

/**
 * Recognise a leaf whose per-example gradient has the outer-product form above (a Dense layer with
 * parameters W [n_in, n_out] and optionally b [n_out], in that order) and read c_W and c_b off its own
 * `perExampleGrads` rule on a probe example — so the structured path uses exactly the scaling the layer
 * uses. The whole probe gradient is checked against the outer-product form (to 1e-12 relative); any
 * other leaf returns null and is handled by Jacobian contraction.
 */
export function outerProductRule(leaf: ParamLeaf): OuterProductRule | null {
  if (leaf.layer.type !== 'Dense') return null;
  // The rule depends on the layer and its parameter shapes only, not on the values: probe once per layer and shape.
  const sig = Object.entries(leaf.params)
    .map(([k, t]) => `${k}:${t.shape.join('x')}`)
    .join(',');
  let byShape = cache.get(leaf.layer);
  if (!byShape) cache.set(leaf.layer, (byShape = new Map()));
  if (!byShape.has(sig)) byShape.set(sig, probe(leaf));
  return byShape.get(sig)!;
}

const cache = new WeakMap<object, Map<string, OuterProductRule | null>>();

function probe(leaf: ParamLeaf): OuterProductRule | null {
  const names = Object.keys(leaf.params);
  const W = leaf.params.W;
  const b = leaf.params.b;
  if (!W || W.shape.length !== 2 || names[0] !== 'W') return null;
  const [nIn, nOut] = W.shape;
  if (names.length === 2 && !(names[1] === 'b' && b && b.shape.length === 1 && b.shape[0] === nOut))
    return null;
  if (names.length > 2) return null;
  const hasBias = names.length === 2;
  // Probe: x_i = 1 + i/nIn·(−1)^i and gy_j = 1 − j/(2nOut), both nowhere zero.
  const x = new Float64Array(nIn);
  for (let i = 0; i < nIn; i++) x[i] = 1 + (i / nIn) * (i % 2 === 0 ? 1 : -1) * 0.5;
  const gy = new Float64Array(nOut);
  for (let j = 0; j < nOut; j++) gy[j] = 1 - j / (2 * nOut);
  const out = new Float64Array(leaf.count);
  leaf.layer.perExampleGrads!(leaf.params, { shape: [1, nIn], data: x }, { shape: [1, nOut], data: gy }, out);
  const cW = out[0] / (x[0] * gy[0]);
  const cb = hasBias ? out[nIn * nOut] / gy[0] : 0;
  const scale = Math.max(Math.abs(cW) * 1.5, Math.abs(cb), Number.MIN_VALUE);
  for (let i = 0; i < nIn; i++) {
    for (let j = 0; j < nOut; j++) {
      if (Math.abs(out[i * nOut + j] - cW * x[i] * gy[j]) > 1e-12 * scale) return null;
    }
  }
  if (hasBias) {
    for (let j = 0; j < nOut; j++)
      if (Math.abs(out[nIn * nOut + j] - cb * gy[j]) > 1e-12 * scale) return null;
  }
  return { nIn, nOut, cW, cb };
}
