/** ntk-lab public API. */
export { Matrix } from './linalg/matrix.js';
export type { LinalgBackend } from './linalg/backend.js';
export type { Key } from './random/key.js';
export type { Tensor, Params, Kernel, Layer, LayerConfig, Flow, Parameterization } from './nn/types.js';
