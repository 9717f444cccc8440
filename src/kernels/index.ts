/**
 * Infinite-width kernels: the input record, kernel maps on records, and the tiled kernelFn driver.
 * @module
 */
export {
  kernelFn,
  type KernelFnOptions,
  type KernelFnResult,
  type KernelGet,
  type KernelGetSpec,
} from './kernelFn.js';
export { inputKernel } from './inputKernel.js';
export { kernelOnRecord } from './kernelOnRecord.js';
