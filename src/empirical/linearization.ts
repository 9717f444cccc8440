import { NtkInputError } from '../errors.js';
import type { Cache, Layer, Params, Tensor } from '../nn/types.js';
import { batchRows, outputsOf, singleOutput } from './features.js';
import { flattenParams, unflattenParams } from '../nn/params.js';
import { paramLeaves, totalParams } from './paramLeaves.js';

/**
 * The network linearized at θ on a fixed batch x (N examples, O outputs): the Jacobian J = ∂f(x)/∂θ
 * (N·O × P, rows ordered (n, o)) as the two products the layers' rules give without forming it —
 *   vjp(c) = Jᵀc ∈ ℝᴾ (backward with output cotangent c; reverse mode),
 *   jvp(t) = J t ∈ ℝᴺᴼ (forward mode at the cached forward pass; tangent t in θ, zero input tangent).
 * Forward caches are kept per batch of `batch` rows; θ vectors are in `paramLeaves` order.
 */
export class Linearization {
  readonly n: number;
  readonly outputs: number;
  readonly paramCount: number;
  /** f(x), N × O row-major. */
  readonly f: Float64Array;
  private readonly parts: { r0: number; r1: number; cache: Cache; shape: number[] }[] = [];

  constructor(
    readonly net: Layer,
    readonly params: Params,
    x: Tensor,
    batch = 1024,
  ) {
    this.n = x.shape[0];
    this.paramCount = totalParams(paramLeaves(net, params));
    let outputs = -1;
    const fs: Float64Array[] = [];
    for (let r0 = 0; r0 < this.n; r0 += batch) {
      const r1 = Math.min(this.n, r0 + batch);
      const { y, cache } = net.forward(params, batchRows(x, r0, r1));
      const out = singleOutput(y, 'linearization');
      if (outputs < 0) outputs = outputsOf(out);
      this.parts.push({ r0, r1, cache, shape: out.shape.slice() });
      fs.push(out.data);
    }
    this.outputs = outputs;
    this.f = new Float64Array(this.n * outputs);
    this.parts.forEach((p, i) => this.f.set(fs[i], p.r0 * outputs));
  }

  /** Jᵀc for a cotangent c ∈ ℝᴺᴼ (row-major N × O). */
  vjp(c: Float64Array): Float64Array {
    const O = this.outputs;
    if (c.length !== this.n * O)
      throw new NtkInputError(`vjp: cotangent must have length N·O = ${this.n * O}, got ${c.length}`);
    const g = new Float64Array(this.paramCount);
    for (const p of this.parts) {
      const slice = c.subarray(p.r0 * O, p.r1 * O);
      if (!slice.some((v) => v !== 0)) continue;
      const { gparams } = this.net.backward(this.params, p.cache, { shape: p.shape, data: slice.slice() });
      const gp = flattenParams(gparams);
      for (let i = 0; i < g.length; i++) g[i] += gp[i];
    }
    return g;
  }

  /** Jᵀ e_(n,o): the parameter gradient of the single output f_o(x_n). */
  gradientOf(n: number, o: number): Float64Array {
    const O = this.outputs;
    const p = this.parts.find((q) => q.r0 <= n && n < q.r1)!;
    const cot = new Float64Array((p.r1 - p.r0) * O);
    cot[(n - p.r0) * O + o] = 1;
    return flattenParams(this.net.backward(this.params, p.cache, { shape: p.shape, data: cot }).gparams);
  }

  /** J t for a parameter tangent t ∈ ℝᴾ; returns N·O values (row-major N × O). */
  jvp(t: Float64Array): Float64Array {
    if (t.length !== this.paramCount)
      throw new NtkInputError(`jvp: tangent must have length P = ${this.paramCount}, got ${t.length}`);
    const tp = unflattenParams(this.params, t);
    const out = new Float64Array(this.n * this.outputs);
    for (const p of this.parts) {
      const y = singleOutput(this.net.jvp(this.params, p.cache, null, tp), 'jvp');
      out.set(y.data, p.r0 * this.outputs);
    }
    return out;
  }
}
