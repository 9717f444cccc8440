import { catapultView } from './catapult.js';
import { cubeView } from './cube.js';
import { frequencyView } from './frequency.js';
import { kernelView } from './kernel.js';
import { trainingView } from './training.js';
import type { ViewDef } from './types.js';

export const views: readonly ViewDef[] = [kernelView, trainingView, catapultView, frequencyView, cubeView];
