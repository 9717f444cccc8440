import type { LayerDescriptor } from './descriptor.js';
import { abReluType } from './descriptors/abRelu.js';
import { absType } from './descriptors/abs.js';
import { avgPoolType } from './descriptors/avgPool.js';
import { convType } from './descriptors/conv.js';
import { cosType } from './descriptors/cos.js';
import { denseType } from './descriptors/dense.js';
import { elementwiseType } from './descriptors/elementwise.js';
import { erfType } from './descriptors/erf.js';
import { fanInConcatType } from './descriptors/fanInConcat.js';
import { fanInSumType } from './descriptors/fanInSum.js';
import { fanOutType } from './descriptors/fanOut.js';
import { flattenType } from './descriptors/flatten.js';
import { geluType } from './descriptors/gelu.js';
import { globalAvgPoolType } from './descriptors/globalAvgPool.js';
import { identityType } from './descriptors/identity.js';
import { leakyReluType } from './descriptors/leakyRelu.js';
import { parallelType } from './descriptors/parallel.js';
import { rbfType } from './descriptors/rbf.js';
import { reluType } from './descriptors/relu.js';
import { serialType } from './descriptors/serial.js';
import { sinType } from './descriptors/sin.js';
import { hermiteType } from './descriptors/hermite.js';
import { monomialType } from './descriptors/monomial.js';
import { rectifiedMonomialType } from './descriptors/rectifiedMonomial.js';
import { polynomialType } from './descriptors/polynomial.js';
import { expType } from './descriptors/exp.js';
import { expNormalizedType } from './descriptors/expNormalized.js';
import { gaussianType } from './descriptors/gaussian.js';
import { signType } from './descriptors/sign.js';
import { gaborType } from './descriptors/gabor.js';
import { sigmoidLikeType } from './descriptors/sigmoidLike.js';
import { dropoutType } from './descriptors/dropout.js';
import { convTransposeType } from './descriptors/convTranspose.js';
import { convLocalType } from './descriptors/convLocal.js';
import { sumPoolType } from './descriptors/sumPool.js';
import { globalSumPoolType } from './descriptors/globalSumPool.js';
import { layerNormType } from './descriptors/layerNorm.js';
import { fanInProdType } from './descriptors/fanInProd.js';
import { globalSelfAttentionType } from './descriptors/globalSelfAttention.js';
import { aggregateType } from './descriptors/aggregate.js';

/**
 * The layer types of ntk-lab, in the order registry listings show them (src/nn/registry.ts reads this list).
 * A new layer type is one descriptor file in src/nn/descriptors/ plus one line here (docs/architecture.md).
 */
export const LAYER_TYPES: readonly LayerDescriptor[] = [
  denseType,
  identityType,
  reluType,
  absType,
  geluType,
  abReluType,
  leakyReluType,
  erfType,
  sinType,
  cosType,
  rbfType,
  elementwiseType,
  serialType,
  parallelType,
  fanOutType,
  fanInSumType,
  fanInConcatType,
  convType,
  avgPoolType,
  globalAvgPoolType,
  flattenType,
  hermiteType,
  monomialType,
  rectifiedMonomialType,
  polynomialType,
  expType,
  expNormalizedType,
  gaussianType,
  signType,
  gaborType,
  sigmoidLikeType,
  dropoutType,
  convTransposeType,
  convLocalType,
  sumPoolType,
  globalSumPoolType,
  layerNormType,
  fanInProdType,
  globalSelfAttentionType,
  aggregateType,
] as LayerDescriptor[];
