/**
 * Finite width: empirical NTK and NNGP, Monte Carlo estimates of the infinite-width kernels, parameter space.
 * @module
 */
export { empiricalNtk, planEmpiricalNtk } from './empiricalNtk.js';
export { empiricalNngp } from './empiricalNngp.js';
export {
  monteCarloKernel,
  type MonteCarloOptions,
  type MonteCarloResult,
  type MonteCarloGet,
} from './monteCarlo.js';
export type { EmpiricalNtkOptions, EmpiricalNtkPlan, EmpiricalImplementation } from './empiricalNtk.js';
export { ntkOperator } from './ntkOperator.js';
export type { NtkOperatorOptions } from './ntkOperator.js';
export type { NtkOperator } from './ntvp.js';
export { Linearization } from './linearization.js';
export {
  parameterJacobian,
  jtjMatrix,
  jtjOperator,
  mseLossAndGradient,
  mseHessianVectorProduct,
  mseHessian,
  mseHessianOperator,
} from './paramSpace.js';
export type { HvpOptions } from './paramSpace.js';
export { DEFAULT_MEMORY_LIMIT_BYTES, memoryLimit, parseBytes } from '../memoryLimit.js';
export type { MemoryEstimate } from './memory.js';
export { paramLeaves } from './paramLeaves.js';
export type { ParamLeaf } from './paramLeaves.js';
