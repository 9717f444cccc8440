import type { Config, Experiment } from './types.js';
import { targetAlignment } from './seed000/target-alignment.js';
import { depthAlignment } from './seed000/depth.js';
import { outputSpan } from './seed000/output-span.js';
import { firstOrderDynamics } from './seed000/first-order.js';
import { optimizersAlignment } from './seed000/optimizers.js';
import { nngpGaussian } from './seed001/nngp-gaussian.js';
import { ntkConvergence } from './seed001/ntk-convergence.js';
import { ntkTraining } from './seed001/ntk-training.js';
import { principalComponents } from './seed001/principal-components.js';
import { earlyStopping } from './seed001/early-stopping.js';
import { finiteWidthError } from './seed002/finite-width-error.js';
import { trainedVsNtk } from './seed002/trained-vs-ntk.js';
import { cntkDigits } from './seed002/cntk-digits.js';
import { cubeSpectra } from './seed002/cube-spectra.js';
import { maxLearningRateExperiment } from './seed002/max-learning-rate.js';
import { catapultToy } from './seed003/catapult-toy.js';
import { ntkHessian } from './seed003/ntk-hessian.js';
import { lazyTraining } from './seed003/lazy-training.js';
import { catapultRelu } from './seed003/catapult-relu.js';
import { frequencyBias } from './seed004/frequency-bias.js';
import { circleEigenvalues } from './seed004/eigenvalues.js';
import { localFrequency } from './seed004/local-frequency.js';
import { convergenceTime } from './seed004/convergence-time.js';
import { sphereHalves } from './seed004/sphere-halves.js';

/**
 * Every experiment of the reproduction suite, in report order (by claim group). To add one: write
 * src/experiments/seedNNN/<name>.ts exporting an Experiment, import it here, add it to the list.
 */
export const allExperiments: readonly Experiment<Config>[] = [
  targetAlignment,
  depthAlignment,
  outputSpan,
  firstOrderDynamics,
  optimizersAlignment,
  nngpGaussian,
  ntkConvergence,
  ntkTraining,
  principalComponents,
  earlyStopping,
  finiteWidthError,
  trainedVsNtk,
  cntkDigits,
  cubeSpectra,
  maxLearningRateExperiment,
  ntkHessian,
  catapultToy,
  lazyTraining,
  catapultRelu,
  frequencyBias,
  circleEigenvalues,
  localFrequency,
  convergenceTime,
  sphereHalves,
];
