import type { ChainSetup, ConvReluChain } from '../convReluChain.js';
import type { Conv3x3Relu } from '../ts/conv3x3Relu.js';
import { CONTROL } from './control.js';
import { createMemory, WasmHeap } from './heap.js';
import { compileKernels, instantiateKernels } from './kernels.js';
import type { WasmModule } from './webAssembly.js';

/** The kernels compiled once per thread (private memory, plain SIMD: the stencil does no multiply–add). */
let module: WasmModule | null = null;

/**
 * Float64 arrays of the given lengths in a WebAssembly memory of their own, and the 3×3 Conv → ReLU layer
 * (./assembly/conv3x3Relu.ts) over them: the layer takes the arrays' byte offsets as addresses, so every array
 * it is given must be one of `arrays` (or a view of one). Each call makes a private memory and instance, so each
 * worker thread that calls it gets its own (no shared memory, no locks). The arrays start zeroed; each has two
 * words of slack after it, for the kernel's reads one entry past a row's end. `convReluChain` binds the whole-pair
 * kernel (./assembly/convReluChain.ts) to arrays of this workspace.
 */
export function wasmConv3x3Relu(lengths: readonly number[]): {
  arrays: Float64Array[];
  conv3x3Relu: Conv3x3Relu;
  convReluChain: (c: ChainSetup) => ConvReluChain;
} {
  module ??= compileKernels(false, 'plain');
  const memory = createMemory(false);
  const kernels = instantiateKernels(module, memory);
  // a private memory has no control block: the heap starts above the kernels' static data, as in a shared one
  const heap = new WasmHeap(memory, CONTROL);
  const at = lengths.map((n) => heap.reserve(n + 2));
  const arrays = lengths.map((n, i) => new Float64Array(memory.buffer, at[i], n));
  const conv3x3Relu: Conv3x3Relu = (
    oh,
    ow,
    S,
    T,
    dS,
    dT,
    bw,
    top,
    left,
    w2,
    bb,
    inv,
    v1,
    root1,
    recip1,
    r1,
    v2,
    root2,
    recip2,
    r2,
    wOut,
    sh,
    sw,
    pin,
  ) =>
    kernels.conv3x3Relu(
      oh,
      ow,
      S.byteOffset,
      T.byteOffset,
      dS.byteOffset,
      dT.byteOffset,
      bw,
      top,
      left,
      w2,
      bb,
      inv,
      v1.byteOffset + 8 * r1,
      root1.byteOffset + 8 * r1,
      recip1.byteOffset + 8 * r1,
      v2.byteOffset + 8 * r2,
      root2.byteOffset + 8 * r2,
      recip2.byteOffset + 8 * r2,
      wOut,
      sh,
      sw,
      pin < 0 ? 0 : v1.byteOffset + 8 * pin,
    );
  const convReluChain = (c: ChainSetup): ConvReluChain => {
    const [S0, S1] = c.S;
    const [T0, T1] = c.T;
    const args = [
      c.H,
      c.W,
      c.C,
      c.nBlocks,
      c.bw,
      c.x1.byteOffset,
      c.x2.byteOffset,
      c.v1.byteOffset,
      c.root1.byteOffset,
      c.recip1.byteOffset,
      c.v2.byteOffset,
      c.root2.byteOffset,
      c.recip2.byteOffset,
      c.stride,
      c.blocks.byteOffset,
      S0.byteOffset,
      S1.byteOffset,
      T0.byteOffset,
      T1.byteOffset,
    ] as const;
    return (self, mirror, taps) =>
      kernels.convReluChain(
        ...args,
        taps ? c.taps.byteOffset : 0,
        c.sums.byteOffset,
        c.rh,
        c.rw,
        self,
        mirror,
        c.out.byteOffset,
        c.compact.byteOffset,
      );
  };
  return { arrays, conv3x3Relu, convReluChain };
}
