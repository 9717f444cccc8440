import type { DualMap } from './kernelRecord.js';
import type { Layer } from './types.js';

/**
 * A leaf layer whose kernel map on dense-feature records (spatial = []) acts entry by entry, given the
 * variances of the two inputs: Dense, Identity and every activation. kernelFn chains these into one
 * fused pass over each tile of the N1×N2 kernel (src/kernels/fused.ts) without allocating per layer.
 * The record-level `Layer.kernel` of the same layer computes the same numbers.
 */
export interface EntrywiseKernel {
  /** The record's isGaussian after the layer from the one before; throws for a nonlinearity on a non-Gaussian record. */
  gaussianAfter(isGaussian: boolean): boolean;
  /** Feature count after the layer from the one before. */
  channelsAfter(channels: number): number;
  /** Σ(x, x) after the layer from q = Σ(x, x) before (and the feature count before). */
  variance(q: number, channels: number): number;
  /**
   * In place on a rows×cols tile of Σ (nngp) and Θ (ntk, null = NNGP only); q1[r] / q2[c] are the
   * variances of the row / column inputs before the layer; `channels` the feature count before it.
   */
  tile(
    nngp: Float64Array,
    ntk: Float64Array | null,
    q1: Float64Array,
    q2: Float64Array,
    rows: number,
    cols: number,
    channels: number,
  ): void;
  /**
   * Optional per-entry form, for the interpreter that runs all layers on one entry in registers
   * (src/kernels/fused.ts): an affine map (Dense), an activation's dual, or the identity. 'abrelu' and
   * 'erf' name a closed-form dual that the interpreter computes inline (the same operations as `dual`).
   */
  readonly perEntry?: PerEntry;
}

/** The per-entry form of a layer for the fused kernel interpreter: an affine map, an activation's dual, or the identity. */
export type PerEntry =
  | {
      readonly kind: 'affine';
      readonly w2: number;
      readonly b2: number;
      readonly parameterization: 'ntk' | 'standard';
      readonly bias: 0 | 1;
    }
  | { readonly kind: 'dual'; readonly dual: DualMap }
  | { readonly kind: 'abrelu'; readonly a: number; readonly b: number; readonly dual: DualMap }
  | {
      readonly kind: 'erf';
      readonly a: number;
      readonly b: number;
      readonly c: number;
      readonly dual: DualMap;
    }
  | { readonly kind: 'identity' };

/** A layer with an entrywise kernel description, which the fused kernel driver runs per entry. */
export interface EntrywiseLayer extends Layer {
  readonly entrywise: EntrywiseKernel;
}

/** Whether a layer has the entrywise (per-kernel-entry) description the fused kernel driver uses. */
export function isEntrywise(layer: Layer): layer is EntrywiseLayer {
  return typeof (layer as Partial<EntrywiseLayer>).entrywise === 'object';
}
