/** Convolutional layers and their kernel maps: Conv, AvgPool, GlobalAvgPool, Flatten. */
import './register.js';
export { Conv, type ConvOptions, type ConvLayer } from './conv.js';
export { AvgPool, type AvgPoolOptions } from './avgPool.js';
export { GlobalAvgPool } from './globalAvgPool.js';
export { Flatten } from './flatten.js';
export { needsFullSpatial, poolThenNonlinearity } from './spatialNeeds.js';
export type { Padding } from './geometry.js';
