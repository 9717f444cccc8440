/** Convolutional layers and their kernel maps (Arora et al. 2019, §3): Conv, AvgPool, GlobalAvgPool, Flatten. */
export { Conv, type ConvOptions, type ConvLayer } from './conv.js';
export { ConvTranspose, type ConvTransposeOptions } from './convTranspose.js';
export { ConvLocal, type ConvLocalOptions } from './convLocal.js';
export { AvgPool, type AvgPoolOptions } from './avgPool.js';
export { GlobalAvgPool } from './globalAvgPool.js';
export { Flatten } from './flatten.js';
export { needsFullSpatial, poolThenNonlinearity } from './spatialNeeds.js';
export type { Padding } from './geometry.js';
