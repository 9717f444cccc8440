import { catapultCompute } from './catapult.js';
import { cubeCompute } from './cube.js';
import { frequencyCompute } from './frequency.js';
import { kernelCompute } from './kernel.js';
import type { LabCompute } from './result.js';
import { trainingCompute } from './training.js';

/** Every computation the worker can run, by view name. */
export const computations: Record<string, LabCompute> = {
  kernel: kernelCompute,
  training: trainingCompute,
  catapult: catapultCompute,
  frequency: frequencyCompute,
  cube: cubeCompute,
};
