import type { ChainSetup, ConvReluChain } from './convReluChain.js';
import { getBackend } from './select.js';
import { conv3x3Relu, type Conv3x3Relu } from './ts/conv3x3Relu.js';
import { wasmConv3x3Relu } from './wasm/conv3x3Relu.js';
import { simdAvailable } from './wasm/kernels.js';

/**
 * The hot layer of the fused CNTK recursion (src/kernels/cntk/pairRecursion.ts) — a 3×3 stride-1 'ntk' Conv on
 * Σ and Θ then ReLU's dual, on the region of one displacement (Arora et al. 2019, eq. 7; Cho & Saul 2009) — and
 * the buffers it works in. Two engines give the same bits: 'wasm', two entries per f64x2 with a vectorised
 * arccos (./wasm/assembly/conv3x3Relu.ts), and 'ts', the TypeScript loop (./ts/conv3x3Relu.ts).
 */
export type StencilEngine = 'wasm' | 'ts';
export type { Conv3x3Relu };

export interface ConvReluWorkspace {
  readonly engine: StencilEngine;
  /** Zeroed float64 arrays of the lengths asked for; with 'wasm', views of the engine's WebAssembly memory. */
  readonly arrays: Float64Array[];
  /** The layer; with 'wasm' every array passed to it must be (a view of) one of `arrays`. */
  readonly conv3x3Relu: Conv3x3Relu;
  /** 'wasm': the whole-pair kernel bound to views of `arrays` (./convReluChain.ts); 'ts': none. */
  readonly convReluChain: ((c: ChainSetup) => ConvReluChain) | null;
}

let simd: boolean | null = null;

/** 'ts' with the ts backend (NTK_BACKEND=ts) or on an engine without WebAssembly SIMD, else 'wasm'. */
export function convReluEngine(): StencilEngine {
  if (getBackend().name === 'ts') return 'ts';
  simd ??= simdAvailable();
  return simd ? 'wasm' : 'ts';
}

/** A workspace of arrays of the given lengths for `engine` (one per thread: a wasm workspace owns its memory). */
export function convReluWorkspace(engine: StencilEngine, lengths: readonly number[]): ConvReluWorkspace {
  if (engine === 'wasm') return { engine, ...wasmConv3x3Relu(lengths) };
  return { engine, arrays: lengths.map((n) => new Float64Array(n)), conv3x3Relu, convReluChain: null };
}

/**
 * root[i] = √q[i] and recip[i] = 1/√q[i] for i < n: the layer's inputs beside the ReLU's variances q (the
 * TypeScript loop, ./ts/conv3x3Relu.ts, says how it uses them). recip is +∞ where q = 0.
 */
export function stencilRoots(q: Float64Array, root: Float64Array, recip: Float64Array, n = q.length): void {
  for (let i = 0; i < n; i++) {
    root[i] = Math.sqrt(q[i]);
    recip[i] = 1 / root[i];
  }
}
