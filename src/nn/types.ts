import type { Key } from '../random/key.js';

/**
 * The layer contract of ntk-lab, stax-style (neural-tangents `stax`): a layer owns its
 * parameter init, its forward map over a batch, its backward (VJP) and forward-mode (JVP) rules, and
 * its infinite-width kernel map. Combinators (serial, parallel, FanOut, FanInSum, FanInConcat) are
 * layers too. Data that flows between layers is a Tensor, or a list of Tensors between FanOut and FanIn.
 */

/** A batch-first row-major float64 array: shape [N, ...featureShape]; data.length = Π shape. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** What flows along the network: one tensor, or several between FanOut/parallel and a FanIn. */
export type Flow<T> = T | T[];

/**
 * Parameters: a leaf layer has a record of named tensors ({} when it has none; Dense has `W` of shape
 * [n_in, n_out] and `b` of shape [n_out]); a combinator has the list of its children's parameters.
 * The stored values are the raw N(0,1) draws; the parameterization's scaling (W_std/√n_in for 'ntk')
 * is applied in the forward map, as in neural-tangents.
 */
export type Params = { readonly [name: string]: Tensor } | readonly Params[];

/** 'ntk': z = (W_std/√n_in)·x·W + b_std·b with W, b ~ N(0, 1); 'standard': the trainable values carry the scales (neural-tangents). */
export type Parameterization = 'ntk' | 'standard';

/**
 * Infinite-width kernel record (neural-tangents' `Kernel`), immutable: layers return new records.
 *
 * Layout, with n1 = |x1|, n2 = |x2| and S = spatial (e.g. [] for dense features, [H, W] for images):
 *  - diagonalSpatial = true:  nngp/ntk have shape [n1, n2, ...S] (only equal positions p = p');
 *  - diagonalSpatial = false: nngp/ntk have shape [n1, n2, ...S, ...S] (all position pairs (p, p')).
 * For dense features S = [] and both layouts are the plain n1×n2 matrix.
 * var1 / var2 are the per-input variances Σ(x, x) at equal positions: shape [n1, ...S] / [n2, ...S].
 */
export interface Kernel {
  /** Σ(x1, x2): the NNGP covariance of the current layer's pre- or post-activations. */
  readonly nngp: Float64Array;
  /** Θ(x1, x2): the NTK, or null when only the NNGP was requested. */
  readonly ntk: Float64Array | null;
  readonly var1: Float64Array;
  /** The same array as var1 when x2 is x1. */
  readonly var2: Float64Array;
  readonly n1: number;
  readonly n2: number;
  /** x2 is x1: nngp/ntk are symmetric in (n1, n2). */
  readonly symmetric: boolean;
  readonly spatial: readonly number[];
  readonly diagonalSpatial: boolean;
  /** Feature (channel) count of the current representation; for input-dimension checks. */
  readonly channels: number;
  /**
   * True when the current values are Gaussian with these covariances — right after an affine layer
   * (Dense, Conv); false at the input and after a nonlinearity. Nonlinearities require it (docs/conventions.md §1)
   * and clear it.
   */
  readonly isGaussian: boolean;
  /**
   * Graph inputs (N, V, C): the adjacency A(x) of each row of x1 / x2 (Float64Array n·V·V, row-major), read by
   * Aggregate (neural-tangents' `pattern`); set by the input kernel, carried by every layer's record spread.
   * pattern2 is pattern1 when x2 is x1.
   */
  readonly pattern1?: Float64Array;
  readonly pattern2?: Float64Array;
}

/** Cache a layer's forward pass keeps for its backward / JVP. Opaque to everyone else. */
export type Cache = unknown;

/**
 * Visitor called by `backward` at every layer that has parameters, with the layer's input and
 * the cotangent of its output for each example of the batch. Empirical-NTK code uses it to form
 * per-example parameter gradients (e.g. Dense: ∂f_n/∂W = c·x_n ⊗ g_n) without per-example passes.
 */
export type BackwardTap = (layer: Layer, params: Params, x: Tensor, gy: Tensor) => void;

/** JSON-serializable description of a layer, as in model files: { type, ...hyper-parameters }. */
export interface LayerConfig {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** A layer, stax-style: init, forward, VJP, JVP and the infinite-width kernel map on kernel records. */
export interface Layer {
  /** The layer's name as in model files ('Dense', 'Relu', 'serial', …). */
  readonly type: string;
  /** The hyper-parameters, JSON-serializable (worker threads rebuild the layer from it). */
  readonly config: LayerConfig;
  /** Children of a combinator, in order; [] for leaf layers. */
  readonly children: readonly Layer[];

  /** Output feature shape (without batch) for an input feature shape; throws a clear error on mismatch. */
  outShape(inShape: Flow<readonly number[]>): Flow<number[]>;

  /** Seeded init of the raw N(0,1) parameters for this input feature shape. */
  init(key: Key, inShape: Flow<readonly number[]>): Params;

  /** Forward map over a batch. */
  forward(params: Params, x: Flow<Tensor>): { y: Flow<Tensor>; cache: Cache };

  /**
   * Vector–Jacobian product: given the cotangent of the output, the cotangent of the input and of
   * every parameter (same tree as params; summed over the batch). Calls `tap` at parameterized layers.
   */
  backward(
    params: Params,
    cache: Cache,
    gy: Flow<Tensor>,
    tap?: BackwardTap,
  ): { gx: Flow<Tensor>; gparams: Params };

  /**
   * Jacobian–vector product (forward mode) at the point of `cache`: the output tangent given the input
   * tangent (null = zero) and the parameter tangent (null = zero; same tree as params).
   */
  jvp(params: Params, cache: Cache, tx: Flow<Tensor> | null, tparams: Params | null): Flow<Tensor>;

  /** Infinite-width kernel map: the NNGP/NTK after this layer from the record before it. */
  kernel(k: Flow<Kernel>): Flow<Kernel>;

  /**
   * Per-example parameter gradients of a parameterized leaf layer (absent on parameterless layers and
   * combinators): given its input x (batch N) and per-example output cotangents gy, writes into row n
   * of `out` (N × P_layer, row-major) the gradient ∂⟨gy_n, y_n⟩/∂θ, parameters flattened in the order
   * of `flattenParams` (record keys in insertion order, each tensor row-major).
   */
  perExampleGrads?(params: Params, x: Tensor, gy: Tensor, out: Float64Array): void;
}
