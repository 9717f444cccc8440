/**
 * Networks, stax-style: layers, combinators, network helpers, parameter vectors, model files.
 * @module
 */
export type {
  Tensor,
  Params,
  Kernel,
  Layer,
  LayerConfig,
  Flow,
  Parameterization,
  BackwardTap,
  Cache,
} from './types.js';
export { Dense, type DenseOptions, type DenseLayer } from './dense.js';
export { Identity } from './identity.js';
export { Relu, ABRelu, LeakyRelu, Abs } from './activations/abRelu.js';
export { Erf } from './activations/erf.js';
export { Gelu } from './activations/gelu.js';
export { Sin, Cos, Rbf } from './activations/sin.js';
export { Elementwise, NAMED_ELEMENTWISE, type ElementwiseOptions } from './activations/elementwise.js';
export { activationLayer, type ActivationLayer, type ActivationSpec, type ClosedForm } from './activation.js';
export type { SlopeFromOutput } from './slopeFromOutput.js';
export {
  Conv,
  ConvTranspose,
  ConvLocal,
  AvgPool,
  GlobalAvgPool,
  SumPool,
  GlobalSumPool,
  Flatten,
  needsFullSpatial,
  type ConvOptions,
  type ConvLayer,
  type ConvTransposeOptions,
  type ConvLocalOptions,
  type AvgPoolOptions,
  type SumPoolOptions,
  type Padding,
} from './conv/index.js';
export { LayerNorm, type LayerNormOptions, type LayerNormAxis } from './norm/layerNorm.js';
export { serial } from './combinators/serial.js';
export { parallel } from './combinators/parallel.js';
export { FanOut } from './combinators/fanOut.js';
export { FanInSum, FanInConcat } from './combinators/fanIn.js';
export { FanInProd } from './combinators/fanInProd.js';
export { GlobalSelfAttention } from './attention/globalSelfAttention.js';
export type { GlobalSelfAttentionOptions } from './attention/options.js';
export { initParams, apply, forward, backward, asTensor } from './network.js';
export { flattenParams, unflattenParams, paramCount, zerosLikeParams } from './params.js';
export { replaceKernel, requireGaussian, applyDual, type DualMap } from './kernelRecord.js';
export { isEntrywise, type EntrywiseKernel, type EntrywiseLayer, type PerEntry } from './entrywise.js';
export { tensor } from './tensor.js';
export {
  registerLayerType,
  knownLayerTypes,
  layerDescriptor,
  rebuildLayer,
  preciseLayersFromConfig,
} from './registry.js';
export {
  layerType,
  type LayerDescriptor,
  type LayoutRequirements,
  type BuildContext,
  type PreciseContext,
  type PreciseLayer,
} from './descriptor.js';
export {
  loadModel,
  modelFromJson,
  layerFromConfig,
  withHiddenWidth,
  type Model,
  type ModelJson,
} from './model.js';
export { Hermite } from './activations/hermite.js';
export { Monomial, Polynomial } from './activations/polynomial.js';
export { RectifiedMonomial } from './activations/rectifiedMonomial.js';
export { Exp, ExpNormalized } from './activations/exp.js';
export { Gaussian } from './activations/gaussian.js';
export { Sign } from './activations/sign.js';
export { Gabor } from './activations/gabor.js';
export { SigmoidLike } from './activations/sigmoidLike.js';
export { NUMBERS, DUALS, type ScalarAlgebra, type Dual, type NngpMap } from './activations/scalarAlgebra.js';
export { Dropout, type DropoutOptions } from './dropout/dropout.js';
export { Aggregate } from './graph/aggregate.js';
export {
  graphForward,
  graphNetwork,
  withAdjacency,
  checkAdjacency,
  type GraphBatch,
} from './graph/adjacency.js';
