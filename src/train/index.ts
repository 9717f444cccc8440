/**
 * Training finite networks: optimizers, schedules, losses, linearized, Taylor-expanded and α-scaled models, NTK snapshots.
 * @module
 */
export { train, trainAsync } from './train.js';
export type { TrainOptions, TrainResult, TrainRecord, NtkSnapshot } from './train.js';
export { networkModel, linearizedModel, alphaScaledModel } from './model.js';
export type { TrainModel, Evaluation } from './model.js';
export { taylorExpand } from './taylor.js';
export type { TaylorModel, TaylorEvaluation, TaylorOptions } from './taylor.js';
export { makeOptimizer } from './optimizers.js';
export type { Optimizer, OptimizerName, OptimizerSpec } from './optimizers.js';
export { makeSchedule } from './schedule.js';
export type { Schedule, ScheduleSpec } from './schedule.js';
export { mse, crossEntropy, lossByName } from './loss.js';
export type { Loss, LossName } from './loss.js';
export { batchIndices, makeBatcher, gatherRows } from './batches.js';
