// The wasm backend's kernels (entry point of the AssemblyScript build, scripts/build-wasm.js).
export { gemm, gemmWork } from './gemm';
export { gemv } from './gemv';
export { tridiagonalize, tridiagonalizeWork } from './tridiagonalize';
