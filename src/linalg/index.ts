/**
 * ntk-lab linear algebra: dense float64 matrices, BLAS-like products, Cholesky and symmetric eigensolvers.
 * @module
 */
export { Matrix } from './matrix.js';
export type { LinalgBackend } from './backend.js';
export { getBackend, setBackend } from './select.js';
export type { BackendName } from './select.js';
export { matmul, syrk, gemv } from './blas.js';
export type { MatmulOptions, SyrkOptions, GemvOptions } from './blas.js';
export { cholesky, solveTriangular, choSolve, solveSpd } from './cholesky.js';
export type { CholeskyOptions, TriangularOptions } from './cholesky.js';
export { eigh, eigvalsh } from './eigh.js';
export type { Eigh, EighOptions } from './eigh.js';
export {
  hadamard,
  add,
  sub,
  scale,
  axpy,
  frobeniusNorm,
  vectorNorm,
  relativeFrobeniusError,
  maxAbs,
  symmetrize,
  addDiagonal,
  trace,
  diag,
  diagMatrix,
} from './elementwise.js';
export {
  assertMatrix,
  assertVector,
  assertFinite,
  assertShape,
  assertSquare,
  assertSymmetric,
  assertNumber,
  assertNoOverlap,
  shapeOf,
  DEFAULT_SYMMETRY_TOL,
} from './validate.js';
export { lanczos } from './lanczos.js';
export type {
  SymmetricOperator,
  BlockOperator,
  VectorOperator,
  LanczosOptions,
  LanczosResult,
  LanczosProgress,
} from './lanczos.js';
export { gemmInto, syrkInto, potrfInPlace, trsmInPlace, syevUnchecked } from './unchecked.js';
