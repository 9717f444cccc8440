/**
 * The whole fused CNTK recursion of one pair of images in one call, for the common network: a chain of 3×3 SAME
 * stride-1 'ntk' Conv → Relu blocks, then GlobalAvgPool or Flatten (./wasm/assembly/convReluChain.ts; Arora et al.
 * 2019, eqs. 7–9). It runs the operations of the per-region driver (src/kernels/cntk/pairRecursion.ts) in the same
 * order, so the two give the same bits; only the wasm engine has it (the TypeScript engine is the driver itself).
 *
 * The setup names the arrays, all of them views of one workspace (./convReluStencil.ts): the caller writes the two
 * images into x1, x2 and their variances into v1, v2 before each call, and reads out (the sums of Σ and Θ over all
 * regions), sums (per displacement) and taps after it.
 */
export interface ChainSetup {
  readonly H: number;
  readonly W: number;
  readonly C: number;
  readonly nBlocks: number;
  /** Row stride of the ping-pong buffers (W + 2). */
  readonly bw: number;
  readonly x1: Float64Array;
  readonly x2: Float64Array;
  readonly v1: Float64Array;
  readonly root1: Float64Array;
  readonly recip1: Float64Array;
  readonly v2: Float64Array;
  readonly root2: Float64Array;
  readonly recip2: Float64Array;
  /** Floats of variances per image (src/kernels/cntk/imageVariances.ts). */
  readonly stride: number;
  /** Per block: W_std², b_std², 1/9, the offset of the ReLU's variances and of the Conv's. */
  readonly blocks: Float64Array;
  readonly S: readonly [Float64Array, Float64Array];
  readonly T: readonly [Float64Array, Float64Array];
  /** 4 floats per block: Σ, Θ summed over every region and over d = 0's. */
  readonly taps: Float64Array;
  readonly sums: Float64Array;
  /** The largest |dh| and |dw| (GlobalAvgPool: H − 1, W − 1; Flatten: 0). */
  readonly rh: number;
  readonly rw: number;
  readonly out: Float64Array;
  /** Scratch: 5·(H·W + 2) + S[0].length floats, the last S[0].length of them zero. */
  readonly compact: Float64Array;
}

/** One pair: self = an image with itself (Σ pinned at d = 0), mirror = reuse d's sums for −d, taps = fill taps. */
export type ConvReluChain = (self: boolean, mirror: boolean, taps: boolean) => void;
