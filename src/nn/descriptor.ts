import type { output, z as Zod, ZodType } from 'zod';
import type { Layer, LayerConfig, Parameterization } from './types.js';

/**
 * A layer type of ntk-lab as one record (neural-tangents keeps the same facts beside each `stax` layer: its
 * `init_fn`/`apply_fn`/`kernel_fn` and its `@requires(...)` layout needs). Everything that reads a layer by its
 * type name reads this record: model loading (schema + build), worker threads (build from `layer.config`), the
 * spatial planner (`requires`), the precise cube engine (`precise`). The built Layer carries the rules
 * themselves: init / forward / VJP / JVP and the infinite-width map (src/nn/types.ts), and, for layers that act
 * entry by entry on dense-feature records, the per-entry form the fused kernel interpreter runs
 * (src/nn/entrywise.ts). docs/architecture.md walks through adding one.
 */
export interface LayerDescriptor<S extends ZodType = ZodType> {
  /** The name in model files and in `layer.config.type`. */
  readonly type: string;
  /**
   * The model-file schema of the whole config object including `type` (z.strictObject, so typos are errors),
   * made from the zod module passed in: only model loading (src/nn/modelFile.ts) loads zod, so worker threads,
   * which rebuild layers from configs already valid, start without it.
   */
  schema(z: typeof Zod): S;
  /** The layer from a valid config: a parsed model-file entry or the `config` of a layer built in code. */
  build(config: output<S>, ctx: BuildContext): Layer;
  /** A valid config, for the registry test and the docs. */
  readonly example: output<S>;
  /** What the kernel computation must provide to this layer's kernel map (neural-tangents `@requires`). */
  readonly requires: LayoutRequirements;
  /**
   * The layer in the vocabulary of the arbitrary-precision recursion (src/spectral/precise/stack.ts), for
   * `ntk spectrum cube --exact`; absent when there is none, and then `preciseNote` says why.
   */
  precise?(config: output<S>, ctx: PreciseContext): PreciseLayer[];
  /** One line: why this type has no precise form (required when `precise` is absent). */
  readonly preciseNote?: string;
  /** The config key that holds the layer's output width/channels, set by withHiddenWidth (Dense: 'width'). */
  readonly widthKey?: string;
  /** The config key that holds nested layer configs (combinators: 'layers'). */
  readonly childrenKey?: string;
  /**
   * The same layer's name in neural-tangents (`stax.Dense`, `stax.Relu`, …), or null when neural-tangents has
   * no such layer; docs/layers.md shows it beside ours.
   */
  readonly neuralTangents: string | null;
}

/** What a layer type needs of the kernel records it is given (all position pairs, per-input variances). */
export interface LayoutRequirements {
  /** The kernel map averages over positions, so it needs all spatial position pairs (AvgPool, GlobalAvgPool). */
  readonly fullSpatial: boolean;
  /** The kernel map reads the per-input variances var1/var2 (every nonlinearity). */
  readonly variances: boolean;
}

/** What a layer builder gets besides its config: the parameterization, its JSON path, a builder for nested configs. */
export interface BuildContext {
  /** The model-wide parameterization (a layer's own `parameterization` key overrides it). */
  readonly parameterization: Parameterization;
  /** JSON path of this layer, for error messages (e.g. "layers[2]"). */
  readonly path: string;
  /** Build a nested layer config (for combinators); `path` is the child's JSON path. */
  build(config: unknown, path: string): Layer;
}

/** What a layer type's precise (fixed-point) form gets: the parameterization and the precise form of nested configs. */
export interface PreciseContext {
  readonly parameterization: Parameterization;
  /** The precise form of a nested layer config (combinators). */
  of(config: LayerConfig): PreciseLayer[];
}

/**
 * The primitives of the arbitrary-precision recursion (src/spectral/precise/stack.ts): an 'ntk' Dense, the
 * rectifier family ABRelu(a, b) (Relu = ABRelu(0, 1), LeakyRelu(α) = ABRelu(α, 1), Abs = ABRelu(−1, 1)),
 * Erf(a, b, c) and the identity.
 */
export type PreciseLayer =
  | { readonly type: 'Dense'; readonly W_std: number; readonly b_std: number }
  | { readonly type: 'ABRelu'; readonly a: number; readonly b: number }
  | { readonly type: 'Erf'; readonly a: number; readonly b: number; readonly c: number }
  | { readonly type: 'Identity' };

/** The descriptor with its config type inferred from its schema. */
export function layerType<S extends ZodType>(d: LayerDescriptor<S>): LayerDescriptor<S> {
  return d;
}

/** Requirements of a layer that maps equal positions from equal positions and never reads variances. */
export const NO_REQUIREMENTS: LayoutRequirements = { fullSpatial: false, variances: false };
/** Requirements of a nonlinearity. */
export const READS_VARIANCES: LayoutRequirements = { fullSpatial: false, variances: true };
