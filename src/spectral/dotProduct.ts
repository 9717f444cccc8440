import { kernelOnRecord } from '../kernels/kernelOnRecord.js';
import type { Model } from '../nn/model.js';
import type { Kernel, Layer } from '../nn/types.js';
import type { PreciseLayer } from '../nn/descriptor.js';
import { preciseLayersFromConfig } from '../nn/registry.js';

/**
 * Dot-product kernels K(x, x') = Φ(⟨x, x'⟩/d) of networks (Yang & Salman 2019, §2). For a fully-connected network
 * and inputs of equal norm the infinite-width kernel depends on the inputs only through
 * t = ⟨x, x'⟩/d (docs/conventions.md §1: Σ⁰ = ⟨x, x'⟩/d), so Φ is read off the kernel map WITHOUT inputs: a
 * record with var1 = var2 = r² (the common ‖x‖²/d; r² = 1 for ‖x‖² = d, the convention of every
 * spectrum here) and nngp = the requested t·r² is pushed through the network.
 */

export type DotProductPart = 'nngp' | 'ntk';

/** Φ as a float64 function on arrays of t ∈ [−1, 1]. */
export type DotProductFn = (t: Float64Array) => Float64Array;

/**
 * Φ_nngp or Φ_ntk of a network on inputs of dimension `dim` with ‖x‖²/d = r2 (default 1), evaluated at
 * t·r2 through the network's own kernel map (src/nn, float64). `dim` is the record's channel count: the
 * 'standard' parameterization's NTK depends on it (Θ' = n_in·Σ + …), the 'ntk' one does not. Throws
 * when the network's kernel is not a dot-product kernel (spatial/convolutional structure).
 */
export function networkDotProduct(net: Layer, part: DotProductPart, dim: number, r2 = 1): DotProductFn {
  if (!Number.isInteger(dim) || dim < 1)
    throw new RangeError(`networkDotProduct: dim must be an integer ≥ 1, got ${dim}`);
  if (!(r2 > 0 && Number.isFinite(r2)))
    throw new RangeError(`networkDotProduct: r2 (= ‖x‖²/d) must be a finite number > 0, got ${r2}`);
  return (t: Float64Array): Float64Array => {
    const n = t.length;
    const nngp = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (!(t[i] >= -1 && t[i] <= 1))
        throw new RangeError(`dot-product kernel: t[${i}] = ${t[i]} is outside [−1, 1]`);
      nngp[i] = t[i] * r2;
    }
    const var1 = new Float64Array([r2]);
    const record: Kernel = {
      nngp,
      ntk: part === 'ntk' ? new Float64Array(n) : null,
      var1,
      var2: new Float64Array(n).fill(r2),
      n1: 1,
      n2: n,
      symmetric: false,
      spatial: [],
      diagonalSpatial: true,
      channels: dim,
      isGaussian: false,
    };
    const out = kernelOnRecord(net, record);
    if (out.spatial.length !== 0 || out.nngp.length !== n) {
      throw new Error(
        `not a dot-product kernel: the network's kernel has spatial shape [${out.spatial.join(', ')}] ` +
          '(a dot-product spectrum needs a fully-connected network on flat inputs)',
      );
    }
    const v = part === 'ntk' ? out.ntk : out.nngp;
    if (v === null) throw new Error('networkDotProduct: the network returned no NTK');
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(v[i])) throw new Error(`dot-product kernel: Φ(${t[i]}) = ${v[i]} (not finite)`);
    }
    return Float64Array.from(v);
  };
}

/** Throw unless a model is a dot-product network: flat input (inputShape of one axis, or none). */
export function requireDotProductModel(model: Model): void {
  if (model.inputShape !== null && model.inputShape.length !== 1) {
    throw new Error(
      `not a dot-product kernel: the model's inputShape is [${model.inputShape.join(', ')}]; ` +
        'spectra on the cube, sphere and circle need flat inputs (inputShape [d])',
    );
  }
}

/**
 * The model's layers for the high-precision recursion (precise/stack.ts, read from the layer descriptors), or
 * null (with the reason) when some layer has no high-precision kernel map; callers then fall back to float64 with error bounds.
 */
export function preciseLayersOfModel(model: Model): { layers: PreciseLayer[] | null; reason: string | null } {
  try {
    return {
      layers: preciseLayersFromConfig({ type: 'serial', layers: model.json.layers }, model.parameterization),
      reason: null,
    };
  } catch (e) {
    return { layers: null, reason: (e as Error).message };
  }
}
