/**
 * Kernel dynamics: closed-form MSE gradient descent / flow (with momentum), any-loss ODE, kernel regression, GP inference, max learning rate.
 * @module
 */
export { predictGradientDescentMse } from './gradientDescentMse.js';
export type {
  Dynamics,
  GradientDescentMseInput,
  GradientDescentMsePredictor,
  HasTestKernel,
  IfTest,
  MseOutputs,
  ResidualModes,
} from './gradientDescentMse.js';
export { predictGradientDescent } from './gradientDescent.js';
export type {
  GradientDescentInput,
  GradientDescentOutputs,
  GradientDescentPredictor,
} from './gradientDescent.js';
export { gradientDescentMseEnsemble } from './ensemble.js';
export type { EnsembleInput, EnsembleQuery, Gaussians, GpMode } from './ensemble.js';
export { maxLearningRate } from './maxLearningRate.js';
export { conditioningWarning, ILL_CONDITIONED, TARGET_CONDITION } from './conditioning.js';
