/**
 * Files: NumPy `.npy` arrays (parse / serialize in memory; read / write on disk), parameter directories
 * of `.npy` files, and the atomic file writer every output goes through.
 * @module
 */
export { parseNpy, serializeNpy, type NpyArray, type NpyData, type NpyDtype } from './npy.js';
export { readNpy, writeNpy, readMatrix, writeMatrix } from './npyFile.js';
export { writeParamsDir, readParamsDir } from './paramsDir.js';
export { writeFileAtomic, type AtomicWriteOptions } from './atomicWrite.js';
