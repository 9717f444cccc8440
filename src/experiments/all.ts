import type { Config, Experiment } from './types.js';
import { catapultToy } from './seed003/catapult-toy.js';
import { ntkHessian } from './seed003/ntk-hessian.js';

/**
 * Every experiment of the reproduction suite, in report order (by seed). To add one: write
 * src/experiments/seedNNN/<name>.ts exporting an Experiment, import it here, add it to the list.
 */
export const allExperiments: readonly Experiment<Config>[] = [
  ntkHessian as Experiment<Config>,
  catapultToy as Experiment<Config>,
];
