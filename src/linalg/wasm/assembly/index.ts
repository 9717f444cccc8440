// The wasm backend's kernels (entry point of the AssemblyScript build, scripts/build-wasm.js).
export { acosArray } from './acos';
export { conv3x3Relu } from './conv3x3Relu';
export { convReluChain } from './convReluChain';
export { gemm, gemmWork } from './gemm';
export { gemv } from './gemv';
export { tridiagonalize, tridiagonalizeWork } from './tridiagonalize';
