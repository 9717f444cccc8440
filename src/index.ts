/** ntk-lab public API. */
export { NtkInputError, NtkTypeError, NtkMemoryError, NtkNumericalError } from './errors.js';
export { Matrix } from './linalg/matrix.js';
export type { LinalgBackend } from './linalg/backend.js';
/** The float64 core: every public linalg function as `linalg.*`; the common ones also at the top level. */
export * as linalg from './linalg/index.js';
export {
  matmul,
  syrk,
  gemv,
  cholesky,
  choSolve,
  solveSpd,
  solveTriangular,
  eigh,
  eigvalsh,
  getBackend,
  setBackend,
} from './linalg/index.js';
export type { Key } from './random/key.js';
/** Seeded randomness (JAX-style keys): `random.PRNGKey`, `random.split`, `random.normal`, … */
export * as random from './random/index.js';
export { PRNGKey } from './random/index.js';
export { parseNpy, serializeNpy, type NpyArray, type NpyData, type NpyDtype } from './io/npy.js';
export { readNpy, writeNpy, readMatrix, writeMatrix } from './io/npyFile.js';
export {
  lanczos,
  type LanczosOptions,
  type LanczosResult,
  type LanczosProgress,
  type SymmetricOperator,
  type BlockOperator,
  type VectorOperator,
} from './linalg/lanczos.js';
export type { Tensor, Params, Kernel, Layer, LayerConfig, Flow, Parameterization } from './nn/types.js';
export * from './empirical/index.js';
export { writeParamsDir, readParamsDir } from './io/paramsDir.js';
export * from './predict/index.js';
export * from './train/index.js';
export * from './nn/index.js';
export * from './kernels/index.js';
export * as special from './special/index.js';
export * from './spectral/index.js';
