/**
 * Kernels past one machine: a kernel is a grid of tiles, each independent work written as one atomic,
 * checksummed `.npy`; a plan names the model, the inputs' content hashes, the kernel kind and the code
 * version. Slurm job arrays and Kubernetes Indexed Jobs run the tiles; streamed consumers (block Lanczos for
 * eigenpairs, conjugate gradients for kernel regression) read them without holding N² entries.
 * @module
 */
export {
  makePlan,
  writePlan,
  readPlan,
  planTiles,
  checkPlanCurrent,
  type TilePlan,
  type PlanOptions,
} from './plan.js';
export { tileGrid, type Tile } from './grid.js';
export { runTiles, type RunOptions, type RunSummary } from './run.js';
export { tilesStatus, type TileStatus } from './status.js';
export { readTile, type TileState } from './store.js';
export { mergeTiles } from './merge.js';
export { tiledKernel, type TiledKernel } from './operator.js';
export { tiledEigenpairs } from './eig.js';
export { tiledKernelRegression, type TiledRegression, type TiledRegressionOptions } from './regression.js';
export {
  writeSlurmScripts,
  submitSlurm,
  type SlurmOptions,
  type SlurmScripts,
  type Submission,
} from './slurm.js';
export { k8sJob, k8sJobYaml, type K8sOptions } from './k8s.js';
